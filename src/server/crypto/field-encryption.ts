import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Field-level encryption of personal data at rest (issue 9): AES-256-GCM with a random 96-bit IV
 * per value, in a versioned text envelope `enc:v1:<keyId>:<iv>:<ciphertext>:<tag>` (base64url) so
 * a value says which key sealed it and old keys keep decrypting during a rotation. The additional
 * authenticated data is `table.column`: a ciphertext copied into another column fails to open.
 * Pure: no configuration, no database — the keyring is given.
 */

export interface FieldKey {
  /** Short name stored in every envelope: letters, digits, '-' and '_'. */
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export class FieldKeyError extends Error {}
export class FieldDecryptionError extends Error {}

const envelopePrefix = 'enc:v1:';
const keyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;

export function isEnvelope(value: string): boolean {
  return value.startsWith(envelopePrefix);
}

/** Parses `id:base64` entries separated by commas or newlines (the first is the current key). */
export function parseFieldKeys(text: string, source = 'HUIJU_FIELD_KEYS'): FieldKey[] {
  const entries = text
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter((e) => e && !e.startsWith('#'));
  if (entries.length === 0) throw new FieldKeyError(`${source}: no key given (expected keyId:base64 of 32 bytes)`);
  const keys = entries.map((entry) => {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    if (!keyIdPattern.test(id)) throw new FieldKeyError(`${source}: "${entry.slice(0, 40)}…" must be keyId:base64 with a key id of 1–32 letters, digits, - or _`);
    // Node's base64 decoder reads the standard and the URL-safe alphabets alike.
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== 32) throw new FieldKeyError(`${source}: key ${id} must decode to 32 bytes (AES-256), got ${key.length}`);
    return { id, key };
  });
  const ids = new Set<string>();
  for (const k of keys) {
    if (ids.has(k.id)) throw new FieldKeyError(`${source}: key id ${k.id} appears twice`);
    ids.add(k.id);
  }
  return keys;
}

export function formatFieldKeys(keys: FieldKey[]): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join('\n');
}

export function generateFieldKey(id: string): FieldKey {
  if (!keyIdPattern.test(id)) throw new FieldKeyError(`invalid key id ${id}`);
  return { id, key: randomBytes(32) };
}

export class FieldCipher {
  readonly current: FieldKey;
  private readonly byId: Map<string, FieldKey>;
  private readonly indexKeys: Map<string, Buffer>;

  constructor(readonly keys: FieldKey[]) {
    if (keys.length === 0) throw new FieldKeyError('at least one field key is needed');
    for (const k of keys) {
      if (k.key.length !== 32) throw new FieldKeyError(`key ${k.id} must be 32 bytes`);
      if (!keyIdPattern.test(k.id)) throw new FieldKeyError(`invalid key id ${k.id}`);
    }
    this.current = keys[0]!;
    this.byId = new Map(keys.map((k) => [k.id, k]));
    // A separate key per purpose: the blind-index key never touches AES, and vice versa.
    this.indexKeys = new Map(keys.map((k) => [k.id, Buffer.from(hkdfSync('sha256', k.key, Buffer.alloc(0), 'huiju blind index v1', 32))]));
  }

  encrypt(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${envelopePrefix}${this.current.id}:${iv.toString('base64url')}:${ciphertext.toString('base64url')}:${tag.toString('base64url')}`;
  }

  /** The key id an envelope names (to find values still sealed under an old key). */
  keyIdOf(envelope: string): string {
    return this.split(envelope).keyId;
  }

  decrypt(envelope: string, aad: string): string {
    const { keyId, iv, ciphertext, tag } = this.split(envelope);
    const key = this.byId.get(keyId);
    if (!key) throw new FieldDecryptionError(`value sealed under field key "${keyId}", which is not configured (HUIJU_FIELD_KEYS)`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, iv);
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new FieldDecryptionError(`value of ${aad} fails authentication under field key "${keyId}" (altered, moved from another column, or a different key with the same id)`);
    }
  }

  /**
   * Keyed HMAC-SHA-256 of the normalised value, for equality lookups on an encrypted column.
   * Prefixed with the key id; lookups try every configured key so a rotation needs no downtime.
   */
  blindIndex(value: string, purpose: string, keyId = this.current.id): string {
    const key = this.indexKeys.get(keyId);
    if (!key) throw new FieldKeyError(`field key ${keyId} is not configured`);
    return `${keyId}:${createHmac('sha256', key).update(`${purpose}\u0000${value}`, 'utf8').digest('base64url')}`;
  }

  /** One blind index per configured key: what a lookup matches against. */
  blindIndexCandidates(value: string, purpose: string): string[] {
    return this.keys.map((k) => this.blindIndex(value, purpose, k.id));
  }

  /** A check value proving a key with this id is the same key the data was sealed with. */
  fingerprint(keyId: string): string {
    const key = this.byId.get(keyId);
    if (!key) throw new FieldKeyError(`field key ${keyId} is not configured`);
    return createHmac('sha256', key.key).update('huiju field key check v1').digest('base64url').slice(0, 22);
  }

  private split(envelope: string) {
    if (!isEnvelope(envelope)) throw new FieldDecryptionError('value is not an encrypted envelope (enc:v1:…)');
    const parts = envelope.slice(envelopePrefix.length).split(':');
    if (parts.length !== 4 || parts.some((p) => p === '')) throw new FieldDecryptionError('malformed encrypted envelope');
    const [keyId, iv, ciphertext, tag] = parts as [string, string, string, string];
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    if (ivBytes.length !== 12 || tagBytes.length !== 16) throw new FieldDecryptionError('malformed encrypted envelope');
    return { keyId, iv: ivBytes, ciphertext: Buffer.from(ciphertext, 'base64url'), tag: tagBytes };
  }
}
