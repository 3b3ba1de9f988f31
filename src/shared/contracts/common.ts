import { z } from 'zod';

/** RFC 9457 problem details, as every error response carries them. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  instance: z.string().optional(),
  errors: z
    .array(z.object({ field: z.string(), code: z.string(), message: z.string() }))
    .optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

/** The largest value of a PostgreSQL integer column: ids above it cannot exist and must not reach SQL. */
export const MAX_INT4 = 2_147_483_647;

export const idParams = z.object({ id: z.coerce.number().int().positive().max(MAX_INT4) });

export const paginationQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

/** A trimmed, optional text where an empty input means "no value". */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional();

export const requiredText = (min: number, max: number) => z.string().trim().min(min).max(max);

export const phoneText = z
  .string()
  .trim()
  .regex(/^[0-9+\-() 转]{0,40}$/)
  .transform((v) => (v === '' ? null : v))
  .nullable()
  .optional();

export const emailText = z
  .union([z.literal(''), z.email().max(200)])
  .transform((v) => (v === '' ? null : v))
  .nullable()
  .optional();

export const okResponse = z.object({ ok: z.literal(true) });
/** The version an edit was made from: a stale one is refused (409 stale_version) and nothing is overwritten. */
export const editVersion = z.number().int().positive();
/** An edit's answer with the record's new version, for the next edit made without reloading. */
export const versionedOk = z.object({ ok: z.literal(true), version: z.number().int() });

/** A boolean in a query string: "true"/"1" or "false"/"0" (z.coerce.boolean would read "false" as true). */
export const queryBoolean = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(defaultValue ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');
