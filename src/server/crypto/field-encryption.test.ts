import { describe, expect, it } from 'vitest';
import { FieldCipher, FieldDecryptionError, FieldKeyError, formatFieldKeys, generateFieldKey, parseFieldKeys } from './field-encryption';

const keyA = { id: 'a1', key: Buffer.alloc(32, 1) };
const keyB = { id: 'b2', key: Buffer.alloc(32, 2) };

describe('field encryption (AES-256-GCM envelopes)', () => {
  it('round-trips Chinese, e-mail and empty-ish text, with a fresh IV every time', () => {
    const cipher = new FieldCipher([keyA]);
    for (const value of ['13812345678', 'zl@njast.cn', '南京市玄武区玄武大道1号', ' ', '𠀀 astral']) {
      const sealed = cipher.encrypt(value, 'units.mailing_address');
      expect(sealed).toMatch(/^enc:v1:a1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]*:[A-Za-z0-9_-]{22}$/);
      expect(sealed).not.toContain(value.trim() || '\u0000');
      expect(cipher.decrypt(sealed, 'units.mailing_address')).toBe(value);
    }
    expect(cipher.encrypt('13812345678', 'x.y')).not.toBe(cipher.encrypt('13812345678', 'x.y'));
  });

  it('detects a changed ciphertext, IV or tag', () => {
    const cipher = new FieldCipher([keyA]);
    const sealed = cipher.encrypt('13812345678', 'users.mobile');
    const parts = sealed.split(':');
    for (const index of [3, 4, 5]) {
      const bytes = Buffer.from(parts[index]!, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      const tampered = [...parts.slice(0, index), bytes.toString('base64url'), ...parts.slice(index + 1)].join(':');
      expect(() => cipher.decrypt(tampered, 'users.mobile')).toThrow(FieldDecryptionError);
    }
    expect(() => cipher.decrypt('13812345678', 'users.mobile')).toThrow(/not an encrypted envelope/);
    expect(() => cipher.decrypt('enc:v1:a1:abc', 'users.mobile')).toThrow(/malformed/);
  });

  it('refuses a value moved to another column (the column is the additional data)', () => {
    const cipher = new FieldCipher([keyA]);
    const sealed = cipher.encrypt('13812345678', 'users.mobile');
    expect(() => cipher.decrypt(sealed, 'activity_signups.mobile')).toThrow(/activity_signups\.mobile fails authentication/);
  });

  it('refuses the wrong key, and a key id that is not configured', () => {
    const sealed = new FieldCipher([keyA]).encrypt('secret', 't.c');
    expect(() => new FieldCipher([{ id: 'a1', key: Buffer.alloc(32, 9) }]).decrypt(sealed, 't.c')).toThrow(FieldDecryptionError);
    expect(() => new FieldCipher([keyB]).decrypt(sealed, 't.c')).toThrow(/"a1", which is not configured/);
  });

  it('rotates: the old key still opens, new values are sealed under the current (first) key', () => {
    const old = new FieldCipher([keyA]).encrypt('13812345678', 't.c');
    const rotated = new FieldCipher([keyB, keyA]);
    expect(rotated.decrypt(old, 't.c')).toBe('13812345678');
    expect(rotated.keyIdOf(old)).toBe('a1');
    const resealed = rotated.encrypt(rotated.decrypt(old, 't.c'), 't.c');
    expect(rotated.keyIdOf(resealed)).toBe('b2');
    expect(new FieldCipher([keyB]).decrypt(resealed, 't.c')).toBe('13812345678');
  });

  it('gives blind indexes that match per key and purpose, and one candidate per configured key', () => {
    const cipher = new FieldCipher([keyB, keyA]);
    const index = cipher.blindIndex('13812345678', 'activity_signups.mobile');
    expect(index).toMatch(/^b2:[A-Za-z0-9_-]{43}$/);
    expect(cipher.blindIndex('13812345678', 'activity_signups.mobile')).toBe(index);
    expect(cipher.blindIndex('13812345679', 'activity_signups.mobile')).not.toBe(index);
    expect(cipher.blindIndex('13812345678', 'users.mobile')).not.toBe(index);
    expect(cipher.blindIndexCandidates('13812345678', 'activity_signups.mobile')).toEqual([index, new FieldCipher([keyA]).blindIndex('13812345678', 'activity_signups.mobile')]);
    // The index key is derived, never the AES key itself.
    expect(new FieldCipher([keyA]).fingerprint('a1')).not.toBe(new FieldCipher([{ id: 'a1', key: Buffer.alloc(32, 3) }]).fingerprint('a1'));
  });

  it('parses HUIJU_FIELD_KEYS and names what is wrong', () => {
    const generated = generateFieldKey('k20261123');
    expect(parseFieldKeys(formatFieldKeys([generated, keyA]))).toEqual([generated, keyA]);
    expect(parseFieldKeys(`b2:${keyB.key.toString('base64url')}, a1:${keyA.key.toString('base64')}`)).toEqual([keyB, keyA]);
    expect(() => parseFieldKeys('')).toThrow(/no key given/);
    expect(() => parseFieldKeys('a1:AAAA')).toThrow(/key a1 must decode to 32 bytes/);
    expect(() => parseFieldKeys(`bad id:${keyA.key.toString('base64')}`)).toThrow(FieldKeyError);
    expect(() => parseFieldKeys(`a1:${keyA.key.toString('base64')},a1:${keyB.key.toString('base64')}`)).toThrow(/appears twice/);
  });
});
