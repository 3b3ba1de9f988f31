import path from 'node:path';
import { z } from 'zod';
import { FieldCipher, parseFieldKeys, type FieldKey } from './crypto/field-encryption';
import type { S3Settings } from './storage/s3-file-store';

/**
 * Every setting Huiju reads, validated once at start-up. A bad value stops the process
 * with a message naming the variable (principle 9 in ../shared/STYLE.md).
 */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const configSchema = z.object({
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Where the embedded database, uploaded files and the lock live. */
  HUIJU_DATA_DIR: z.string().default('./data'),
  /** When set, Huiju runs on this PostgreSQL server instead of the embedded one. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** A PostgreSQL hot standby of DATABASE_URL answering public showcase and statistics reads (decision 020). */
  DATABASE_REPLICA_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /** A replica further behind than this many seconds is passed over for the primary. */
  HUIJU_REPLICA_MAX_LAG_SECONDS: z.coerce.number().min(0).max(3600).default(5),
  /** How long after a client's write its reads go to the primary (read-your-writes); default: max lag + 2 s. */
  HUIJU_REPLICA_STICKY_SECONDS: z.coerce.number().min(0).max(3600).optional(),
  HUIJU_ADMIN_USERNAME: z.string().regex(/^[a-z0-9._-]{3,64}$/).default('admin'),
  /** Initial password of the system administrator; a random one is printed once when unset. */
  HUIJU_ADMIN_PASSWORD: z.string().optional(),
  /** GB/T 2260 code limiting the regions loaded on first start (e.g. 32 for 江苏). */
  HUIJU_SEED_ROOT: z.string().regex(/^\d{2}(\d{2}(\d{2})?)?$/).optional(),
  HUIJU_PUBLIC_URL: z.string().url().optional(),
  /** Set when Huiju is reached over TLS (directly or behind a proxy): secure, __Host- cookies. */
  HUIJU_SECURE_COOKIES: booleanFromEnv.optional(),
  HUIJU_TRUST_PROXY: booleanFromEnv.default(false),
  /**
   * Keys encrypting TOTP secrets at rest, `keyId:base64` (32 bytes) separated by commas: the first
   * seals, the others still open (rotation: `huiju rotate-totp-key`). Unset (with HUIJU_TOTP_KEY
   * unset too), secrets are stored as is.
   */
  HUIJU_TOTP_KEYS: z.string().optional(),
  /** The older single key (64 hex digits or base64), read as key id `totp0` when HUIJU_TOTP_KEYS is unset. */
  HUIJU_TOTP_KEY: z
    .string()
    .refine((v) => /^[0-9a-fA-F]{64}$/.test(v) || Buffer.from(v, 'base64').length === 32, 'must be 32 bytes: 64 hex digits or base64')
    .optional(),
  HUIJU_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  /** Days a forwarding unit's proposed deadline leaves before the upstream one, to aggregate. */
  HUIJU_FORWARD_MARGIN_DAYS: z.coerce.number().int().min(0).max(60).default(5),
  HUIJU_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(72).default(12),
  /** Outgoing mail. Without SMTP_HOST, mail waits in the outbox (visible to administrators). */
  SMTP_HOST: z.string().optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  /** true for implicit TLS (port 465); otherwise STARTTLS is used when the server offers it. */
  SMTP_SECURE: booleanFromEnv.default(false),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_FROM: z.string().default('汇聚平台 <noreply@localhost>'),
  HUIJU_MAIL_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /** How long a public showcase answer may be served from memory (0: never); writes here clear it at once. */
  HUIJU_PUBLIC_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(2),
  /** How long a task's completion rows may be shared between requests (0: never); writes here clear them at once. */
  HUIJU_COMPLETION_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(2),
  /** A connection silent this long is closed: a stalled upload is dropped and nothing of it kept. */
  HUIJU_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /**
   * Keys sealing personal data at rest: `keyId:base64` of 32 bytes, comma-separated, the first
   * sealing new values (rotation: put the new key first, run `huiju rotate-field-key`, then drop
   * the old one). Unset: a key file generated in the data directory (development only).
   */
  HUIJU_FIELD_KEYS: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where uploaded files live: `local` (HUIJU_DATA_DIR/files, also a shared mount) or `s3` (decision 021). */
  HUIJU_STORAGE: z.enum(['local', 's3']).default('local'),
  /** S3-compatible endpoint (MinIO, Ceph, a cloud's object storage); unset: AWS itself. */
  HUIJU_S3_ENDPOINT: z.string().regex(/^https?:\/\/[^/\s]+/, 'must be an address such as https://minio.example.cn:9000').optional(),
  HUIJU_S3_REGION: z.string().default('us-east-1'),
  HUIJU_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name (3–63 lower-case letters, digits, dots, hyphens)').optional(),
  /** Unset: the SDK's own credential chain (environment, instance role). */
  HUIJU_S3_ACCESS_KEY_ID: z.string().optional(),
  HUIJU_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Path-style addresses (http://host/bucket/key), which most S3-compatible servers need. */
  HUIJU_S3_FORCE_PATH_STYLE: booleanFromEnv.default(false),
});

export type EnvConfig = z.infer<typeof configSchema>;

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** Read replica (hot standby) of databaseUrl; only with databaseUrl. */
  replicaUrl: string | undefined;
  replicaMaxLagSeconds: number;
  /** Seconds a client's reads stay on the primary after its write. */
  replicaStickySeconds: number;
  adminUsername: string;
  adminPassword: string | undefined;
  seedRoot: string | undefined;
  publicUrl: string | undefined;
  secureCookies: boolean;
  trustProxy: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** The TOTP keyring (HUIJU_TOTP_KEYS or HUIJU_TOTP_KEY); undefined: secrets stored as is. */
  totpKey: FieldCipher | undefined;
  forwardMarginDays: number;
  smtp: { host: string; port: number; secure: boolean; user: string | undefined; password: string | undefined; from: string } | null;
  mailPollSeconds: number;
  publicCacheSeconds: number;
  completionCacheSeconds: number;
  idleTimeoutSeconds: number;
  logLevel: EnvConfig['LOG_LEVEL'];
  /** Parsed HUIJU_FIELD_KEYS; undefined means the data directory's key file. */
  fieldKeys: FieldKey[] | undefined;
  storage: { kind: 'local' } | ({ kind: 's3' } & S3Settings);
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(configSchema.shape).flatMap((key) => (env[key] === undefined || env[key] === '' ? [] : [[key, env[key]]])),
  );
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (c.DATABASE_REPLICA_URL && !c.DATABASE_URL) {
    // A replica of the embedded database cannot exist: refuse rather than silently ignore it.
    throw new ConfigError('Invalid configuration:\n  DATABASE_REPLICA_URL: only allowed together with DATABASE_URL (a replica of the embedded database cannot exist)');
  }
  let fieldKeys: FieldKey[] | undefined;
  try {
    fieldKeys = c.HUIJU_FIELD_KEYS ? parseFieldKeys(c.HUIJU_FIELD_KEYS) : undefined;
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  ${(error as Error).message}`);
  }
  if (c.HUIJU_STORAGE === 's3') {
    const problems: string[] = [];
    if (!c.HUIJU_S3_BUCKET) problems.push('  HUIJU_S3_BUCKET: required when HUIJU_STORAGE=s3');
    if (!c.HUIJU_S3_ACCESS_KEY_ID !== !c.HUIJU_S3_SECRET_ACCESS_KEY) {
      problems.push(`  ${c.HUIJU_S3_ACCESS_KEY_ID ? 'HUIJU_S3_SECRET_ACCESS_KEY' : 'HUIJU_S3_ACCESS_KEY_ID'}: required with ${c.HUIJU_S3_ACCESS_KEY_ID ? 'HUIJU_S3_ACCESS_KEY_ID' : 'HUIJU_S3_SECRET_ACCESS_KEY'}`);
    }
    if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  let totpKey: FieldCipher | undefined;
  try {
    if (c.HUIJU_TOTP_KEYS) totpKey = new FieldCipher(parseFieldKeys(c.HUIJU_TOTP_KEYS, 'HUIJU_TOTP_KEYS'));
    else if (c.HUIJU_TOTP_KEY) totpKey = new FieldCipher([{ id: 'totp0', key: Buffer.from(c.HUIJU_TOTP_KEY, /^[0-9a-fA-F]{64}$/.test(c.HUIJU_TOTP_KEY) ? 'hex' : 'base64') }]);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  ${(error as Error).message}`);
  }
  return {
    host: c.HOST,
    port: c.PORT,
    dataDir: path.resolve(c.HUIJU_DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    replicaUrl: c.DATABASE_REPLICA_URL,
    replicaMaxLagSeconds: c.HUIJU_REPLICA_MAX_LAG_SECONDS,
    replicaStickySeconds: c.HUIJU_REPLICA_STICKY_SECONDS ?? c.HUIJU_REPLICA_MAX_LAG_SECONDS + 2,
    adminUsername: c.HUIJU_ADMIN_USERNAME,
    adminPassword: c.HUIJU_ADMIN_PASSWORD,
    seedRoot: c.HUIJU_SEED_ROOT,
    publicUrl: c.HUIJU_PUBLIC_URL,
    secureCookies: c.HUIJU_SECURE_COOKIES ?? c.HUIJU_PUBLIC_URL?.startsWith('https://') ?? false,
    trustProxy: c.HUIJU_TRUST_PROXY,
    sessionIdleMinutes: c.HUIJU_SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: c.HUIJU_SESSION_ABSOLUTE_HOURS,
    totpKey,
    forwardMarginDays: c.HUIJU_FORWARD_MARGIN_DAYS,
    smtp: c.SMTP_HOST
      ? { host: c.SMTP_HOST, port: c.SMTP_PORT, secure: c.SMTP_SECURE, user: c.SMTP_USER, password: c.SMTP_PASSWORD, from: c.SMTP_FROM }
      : null,
    mailPollSeconds: c.HUIJU_MAIL_POLL_SECONDS,
    publicCacheSeconds: c.HUIJU_PUBLIC_CACHE_SECONDS,
    completionCacheSeconds: c.HUIJU_COMPLETION_CACHE_SECONDS,
    idleTimeoutSeconds: c.HUIJU_IDLE_TIMEOUT_SECONDS,
    logLevel: c.LOG_LEVEL,
    fieldKeys,
    storage:
      c.HUIJU_STORAGE === 's3'
        ? {
            kind: 's3',
            endpoint: c.HUIJU_S3_ENDPOINT,
            region: c.HUIJU_S3_REGION,
            bucket: c.HUIJU_S3_BUCKET!,
            accessKeyId: c.HUIJU_S3_ACCESS_KEY_ID,
            secretAccessKey: c.HUIJU_S3_SECRET_ACCESS_KEY,
            forcePathStyle: c.HUIJU_S3_FORCE_PATH_STYLE,
          }
        : { kind: 'local' },
  };
}

/** Settings documented in README's configuration table; kept here so the two cannot drift. */
export const configVariables = Object.keys(configSchema.shape);
