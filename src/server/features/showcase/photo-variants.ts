import { z } from 'zod';
import { buffer } from 'node:stream/consumers';
import sharp from 'sharp';
import type { FileStore } from '../../storage/file-store';

/**
 * Resized copies of published photos, so a phone downloads a small image: widths for a phone, a
 * tablet and a desktop, as JPEG (everywhere) and WebP (smaller, most browsers). Each is
 * auto-rotated by its EXIF orientation and then written without any metadata — no EXIF, no GPS
 * position, no camera serial. The uploaded original stays stored byte for byte.
 */
export const variantWidths = [480, 960, 1600] as const;
export const variantFormats = ['jpeg', 'webp'] as const;
export type VariantWidth = (typeof variantWidths)[number];
export type VariantFormat = (typeof variantFormats)[number];

export const variantContentType: Record<VariantFormat, string> = { jpeg: 'image/jpeg', webp: 'image/webp' };

export async function renderVariant(original: Buffer, width: VariantWidth, format: VariantFormat): Promise<Buffer> {
  const image = sharp(original, { failOn: 'error', limitInputPixels: 50_000_000 })
    .rotate()
    .resize({ width, withoutEnlargement: true });
  // JPEG has no transparency: a transparent PNG goes on white rather than black.
  return format === 'webp' ? image.webp({ quality: 75 }).toBuffer() : image.flatten({ background: '#ffffff' }).jpeg({ quality: 80, mozjpeg: true, progressive: true }).toBuffer();
}

const pending = new Map<string, Promise<Buffer>>();

/** The variant of a stored photo, made once and kept under the original's hash. */
export async function photoVariant(files: FileStore, photo: { storage_key: string; sha256: string }, width: VariantWidth, format: VariantFormat): Promise<Buffer> {
  const name = `${photo.sha256}-${width}.${format}`;
  const cached = await files.readDerived(name);
  if (cached) return cached;
  let job = pending.get(name);
  if (!job) {
    job = (async () => {
      const rendered = await renderVariant(await buffer(files.read(photo.storage_key)), width, format);
      await files.writeDerived(name, rendered);
      return rendered;
    })().finally(() => pending.delete(name));
    pending.set(name, job);
  }
  return job;
}

/** `srcset` values for a photo's URL: one per width, per format. */
export function srcsets(url: string): Record<VariantFormat, string> {
  const of = (format: VariantFormat) => variantWidths.map((w) => `${url}?w=${w}&format=${format} ${w}w`).join(', ');
  return { jpeg: of('jpeg'), webp: of('webp') };
}

/** `?w=&format=` of a public photo: one of the prepared widths, JPEG or WebP (the original when `w` is absent). */
export const photoVariantQuery = z.object({
  w: z.coerce
    .number()
    .int()
    .refine((w): w is VariantWidth => (variantWidths as readonly number[]).includes(w), { params: { code: 'invalid_option' } })
    .optional(),
  format: z.enum(variantFormats).default('jpeg'),
});
