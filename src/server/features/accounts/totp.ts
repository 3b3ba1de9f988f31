import { createDecipheriv, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { sha256 } from './passwords';
import { isEnvelope, type FieldCipher } from '../../crypto/field-encryption';

/**
 * TOTP per RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30-second steps. A code is
 * accepted one step either side of now (clock drift), and only for a step above the last one the
 * account used, so an observed code cannot be replayed.
 */
export const totpPeriodSeconds = 30;
export const totpDigits = 6;
export const totpWindow = 1;
export const totpIssuer = 'Huiju';

function totpFor(secretBase32: string, label = 'account') {
  return new TOTP({
    issuer: totpIssuer,
    label,
    algorithm: 'SHA1',
    digits: totpDigits,
    period: totpPeriodSeconds,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** 160 random bits (RFC 4226's recommended length), in base32 for manual entry. */
export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secretBase32: string, username: string): string {
  return totpFor(secretBase32, username).toString();
}

export function totpStep(timestampMs: number): number {
  return Math.floor(timestampMs / 1000 / totpPeriodSeconds);
}

/** The code of the step containing `timestampMs` (tests and the test helpers use it too). */
export function totpCode(secretBase32: string, timestampMs = Date.now()): string {
  return totpFor(secretBase32).generate({ timestamp: timestampMs });
}

/**
 * The step `code` belongs to when it is valid within the window and newer than `lastStep`; null
 * otherwise. The caller stores the step to refuse the code's reuse.
 */
export function matchTotpStep(secretBase32: string, code: string, lastStep: number | null, timestampMs = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secretBase32).validate({ token: code, timestamp: timestampMs, window: totpWindow });
  if (delta === null) return null;
  const step = totpStep(timestampMs) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

// --- The secret at rest: AES-256-GCM when TOTP keys are configured, as is otherwise. ---

/**
 * The keys sealing TOTP secrets (HUIJU_TOTP_KEYS, or the single older HUIJU_TOTP_KEY): the first
 * seals, every one opens, so a rotation needs no downtime (decision 022). The same envelope and
 * cipher as personal data (`enc:v1:<keyId>:…`), with its own keys and additional data.
 */
export type TotpKeys = FieldCipher;

/** The older single-key format (before key ids): `gcm:` + base64(iv ‖ tag ‖ ciphertext). */
const legacyPrefix = 'gcm:';
const aad = 'totp.secret';

export function sealTotpSecret(secretBase32: string, keys: TotpKeys | undefined): string {
  return keys ? keys.encrypt(secretBase32, aad) : secretBase32;
}

export class TotpKeyMissing extends Error {}

function openLegacy(stored: string, key: Buffer): string {
  const raw = Buffer.from(stored.slice(legacyPrefix.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

export function openTotpSecret(stored: string, keys: TotpKeys | undefined): string {
  if (!stored.startsWith(legacyPrefix) && !isEnvelope(stored)) return stored;
  if (!keys) throw new TotpKeyMissing('A TOTP secret is encrypted but no TOTP key is configured (HUIJU_TOTP_KEYS)');
  if (isEnvelope(stored)) {
    if (!keys.keys.some((k) => k.id === keys.keyIdOf(stored))) throw new TotpKeyMissing(`A TOTP secret is sealed under TOTP key "${keys.keyIdOf(stored)}", which is not configured (HUIJU_TOTP_KEYS)`);
    return keys.decrypt(stored, aad);
  }
  // The older format names no key: whichever configured key opens it (GCM authenticates).
  for (const key of keys.keys) {
    try {
      return openLegacy(stored, key.key);
    } catch {
      // not this key
    }
  }
  throw new TotpKeyMissing('A TOTP secret sealed in the older format (HUIJU_TOTP_KEY) opens with none of the configured TOTP keys');
}

/** Is the stored secret (or pending secret) sealed under the current key already? */
export function sealedUnderCurrent(stored: string, keys: TotpKeys): boolean {
  return isEnvelope(stored) && keys.keyIdOf(stored) === keys.current.id;
}

// --- Recovery codes: ten, shown once, each usable once; only their SHA-256 is kept. ---

export const recoveryCodeCount = 10;
const recoveryAlphabet = 'abcdefghjkmnpqrstuvwxyz23456789';

/** 10 characters from 31 (≈50 bits): far beyond guessing within the lockout, so a plain hash suffices. */
export function generateRecoveryCodes(): string[] {
  return Array.from({ length: recoveryCodeCount }, () => {
    const chars = Array.from({ length: 10 }, () => recoveryAlphabet[randomInt(recoveryAlphabet.length)]!);
    return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
  });
}

export function normaliseRecoveryCode(code: string): string {
  const compact = code.trim().toLowerCase().replace(/[\s-]/g, '');
  return compact.length === 10 ? `${compact.slice(0, 5)}-${compact.slice(5)}` : compact;
}

export function hashRecoveryCode(code: string): string {
  return sha256(`huiju-recovery:${normaliseRecoveryCode(code)}`);
}
