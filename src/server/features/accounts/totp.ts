import { createCipheriv, createDecipheriv, randomBytes, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { sha256 } from './passwords';

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

// --- The secret at rest: AES-256-GCM when HUIJU_TOTP_KEY is configured, as is otherwise. ---

const sealedPrefix = 'gcm:';

export function sealTotpSecret(secretBase32: string, key: Buffer | undefined): string {
  if (!key) return secretBase32;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const encrypted = Buffer.concat([cipher.update(secretBase32, 'utf8'), cipher.final()]);
  return sealedPrefix + Buffer.concat([iv, cipher.getAuthTag(), encrypted]).toString('base64');
}

export class TotpKeyMissing extends Error {}

export function openTotpSecret(stored: string, key: Buffer | undefined): string {
  if (!stored.startsWith(sealedPrefix)) return stored;
  if (!key) throw new TotpKeyMissing('A TOTP secret is encrypted but HUIJU_TOTP_KEY is not set');
  const raw = Buffer.from(stored.slice(sealedPrefix.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
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
