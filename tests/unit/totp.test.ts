import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateRecoveryCodes,
  generateTotpSecret,
  hashRecoveryCode,
  matchTotpStep,
  openTotpSecret,
  sealTotpSecret,
  sealedUnderCurrent,
  totpCode,
  totpStep,
  totpUri,
  TotpKeyMissing,
} from '../../src/server/features/accounts/totp';
import { FieldCipher } from '../../src/server/crypto/field-encryption';
import { conflictingAdministratorRoles, grantableRoles, requiresSecondFactor } from '../../src/shared/domain/roles';

// RFC 6238 appendix B, SHA-1 seed "12345678901234567890": the 8-digit codes' last six digits.
const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const rfcVectors: [number, string][] = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
  [20000000000, '353130'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(rfcVectors)('matches the RFC test vector at T=%i', (seconds, code) => {
    expect(totpCode(rfcSecret, seconds * 1000)).toBe(code);
  });

  it('accepts one step either side and refuses two', () => {
    const now = 1_800_000_000_000;
    expect(matchTotpStep(rfcSecret, totpCode(rfcSecret, now - 30_000), null, now)).toBe(totpStep(now) - 1);
    expect(matchTotpStep(rfcSecret, totpCode(rfcSecret, now + 30_000), null, now)).toBe(totpStep(now) + 1);
    expect(matchTotpStep(rfcSecret, totpCode(rfcSecret, now - 60_000), null, now)).toBeNull();
    expect(matchTotpStep(rfcSecret, totpCode(rfcSecret, now + 60_000), null, now)).toBeNull();
    expect(matchTotpStep(rfcSecret, '12345', null, now)).toBeNull();
  });

  it('refuses a code of a step already used or older', () => {
    const now = 1_800_000_000_000;
    const code = totpCode(rfcSecret, now);
    const step = matchTotpStep(rfcSecret, code, null, now);
    expect(step).toBe(totpStep(now));
    expect(matchTotpStep(rfcSecret, code, step, now)).toBeNull();
    expect(matchTotpStep(rfcSecret, totpCode(rfcSecret, now - 30_000), step, now)).toBeNull();
    expect(matchTotpStep(rfcSecret, totpCode(rfcSecret, now + 30_000), step, now)).toBe(step! + 1);
  });

  it('makes an otpauth URI authenticator apps read', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totpUri(secret, 'admin'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
  });

  it('encrypts the secret at rest under the first key given, and needs that key to read it back', () => {
    const key = { id: 'k1', key: randomBytes(32) };
    const secret = generateTotpSecret();
    const sealed = sealTotpSecret(secret, new FieldCipher([key]));
    expect(sealed).toMatch(/^enc:v1:k1:/);
    expect(sealed).not.toContain(secret);
    expect(openTotpSecret(sealed, new FieldCipher([key]))).toBe(secret);
    // Rotation: a new first key still opens values under the old one, and seals under the new.
    const rotated = new FieldCipher([{ id: 'k2', key: randomBytes(32) }, key]);
    expect(openTotpSecret(sealed, rotated)).toBe(secret);
    expect(sealedUnderCurrent(sealed, rotated)).toBe(false);
    expect(sealedUnderCurrent(sealTotpSecret(secret, rotated), rotated)).toBe(true);
    expect(() => openTotpSecret(sealed, new FieldCipher([{ id: 'k1', key: randomBytes(32) }]))).toThrow();
    expect(() => openTotpSecret(sealed, new FieldCipher([{ id: 'k2', key: randomBytes(32) }]))).toThrow(TotpKeyMissing);
    expect(() => openTotpSecret(sealed, undefined)).toThrow(TotpKeyMissing);
    expect(sealTotpSecret(secret, undefined)).toBe(secret);
  });

  it('still opens secrets sealed in the older single-key format (gcm:, HUIJU_TOTP_KEY) with whichever key fits', () => {
    const key = randomBytes(32);
    const secret = generateTotpSecret();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const encrypted = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    const legacy = `gcm:${Buffer.concat([iv, cipher.getAuthTag(), encrypted]).toString('base64')}`;
    expect(openTotpSecret(legacy, new FieldCipher([{ id: 'new', key: randomBytes(32) }, { id: 'totp0', key }]))).toBe(secret);
    expect(() => openTotpSecret(legacy, new FieldCipher([{ id: 'new', key: randomBytes(32) }]))).toThrow(TotpKeyMissing);
  });

  it('makes ten distinct recovery codes whose hash ignores case, spaces and the dash', () => {
    const codes = generateRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(hashRecoveryCode(codes[0]!.toUpperCase().replace('-', ' '))).toBe(hashRecoveryCode(codes[0]!));
  });
});

describe('三员分立 roles', () => {
  it('refuses two administrator roles on one account', () => {
    expect(conflictingAdministratorRoles(['system_admin', 'audit_admin'])).toEqual(['system_admin', 'audit_admin']);
    expect(conflictingAdministratorRoles(['security_admin', 'unit_admin'])).toEqual([]);
    expect(conflictingAdministratorRoles(['system_admin', 'system_admin'])).toEqual([]);
  });

  it('lets only the security administrator assign the administrator roles', () => {
    expect(grantableRoles('system_admin')).not.toContain('system_admin');
    expect(grantableRoles('system_admin')).toContain('unit_admin');
    expect(grantableRoles('security_admin')).toEqual(['system_admin', 'security_admin', 'audit_admin']);
    expect(grantableRoles('audit_admin')).toEqual([]);
  });

  it('requires a second factor of every administrator role', () => {
    expect(requiresSecondFactor(['audit_admin'])).toBe(true);
    expect(requiresSecondFactor(['unit_admin', 'contact'])).toBe(false);
  });
});
