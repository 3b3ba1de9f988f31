import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { variantFormats, variantWidths } from '../../src/server/features/showcase/photo-variants';
import { multipartFile } from '../support/png';
import { showcaseScenario } from '../support/showcase-scenario';
import { anonymous, createTestApp, type Client, type TestApp } from '../support/test-app';

/**
 * Responsive photos: a 3000×2000 camera JPEG (EXIF orientation 6, a GPS position, the owner's
 * name in the EXIF) published on the column is served as uploaded, byte for byte, and as resized
 * copies 480/960/1600 px wide in JPEG and WebP, turned upright and without any metadata.
 */
let t: TestApp;
let sc: Awaited<ReturnType<typeof showcaseScenario>>;
let pub: Client;
let camera: Buffer;
let fileId = '';
let activityId = 0;
let publication = { id: 0, version: 0 };
const sizes: Record<string, number> = {};

async function cameraJpeg(): Promise<Buffer> {
  const w = 3000;
  const h = 2000;
  const raw = Buffer.alloc(w * h * 3);
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      raw[i] = (x * 255) / w + rnd() * 40;
      raw[i + 1] = (y * 255) / h + rnd() * 40;
      raw[i + 2] = 128 + Math.sin(x / 37) * 60 + rnd() * 40;
    }
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .withExif({ IFD0: { Copyright: 'HUIJU-CAMERA-OWNER' }, IFD3: { GPSMapDatum: 'WGS-84', GPSLatitudeRef: 'N', GPSLatitude: '32/1 3/1 0/1' } })
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 90 })
    .toBuffer();
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const photoUrl = () => `/api/v1/public/showcase/photos/${fileId}`;

beforeAll(async () => {
  t = await createTestApp();
  sc = await showcaseScenario(t.app, t.db);
  pub = anonymous(t.app);
  camera = await cameraJpeg();
  activityId = sc.activities.nanjing[0]!;
  const upload = await sc.clients.nanjing.request({ method: 'POST', url: `/api/v1/files?unitId=${sc.s.nanjing.id}`, ...multipartFile(camera, 'IMG_0001.jpg', 'image/jpeg') });
  if (upload.statusCode !== 201) throw new Error(upload.body);
  fileId = upload.json().id;
  const asked = await sc.clients.nanjing.put(`/api/v1/showcase/activities/${activityId}/publication`, { description: '南京科技馆举办“百年回望”科普宣传周，院士专家与市民面对面。', photos: [{ fileId, caption: '开幕式' }] });
  if (asked.statusCode !== 200) throw new Error(asked.body);
  const approved = await sc.clients.province.post(`/api/v1/showcase/publications/${asked.json().id}/approve`, { version: asked.json().version });
  if (approved.statusCode !== 200) throw new Error(approved.body);
  publication = approved.json();
}, 60_000);
afterAll(() => t.close());

describe('responsive photos', () => {
  it('serves the original as uploaded, byte for byte, metadata and all', async () => {
    expect(camera.includes('WGS-84')).toBe(true);
    const original = await pub.get(photoUrl());
    expect(original.statusCode).toBe(200);
    expect(original.headers['content-type']).toBe('image/jpeg');
    expect(sha(original.rawPayload)).toBe(sha(camera));
    const stored = await t.db.selectFrom('stored_files').select(['sha256', 'size_bytes']).where('id', '=', fileId).executeTakeFirstOrThrow();
    expect(stored).toEqual({ sha256: sha(camera), size_bytes: String(camera.length) });
  });

  it('serves upright copies 480, 960 and 1600 px wide as JPEG and WebP without EXIF or GPS', async () => {
    for (const width of variantWidths) {
      for (const format of variantFormats) {
        const response = await pub.get(`${photoUrl()}?w=${width}&format=${format}`);
        expect(response.statusCode, `${width} ${format}`).toBe(200);
        expect(response.headers['content-type']).toBe(format === 'webp' ? 'image/webp' : 'image/jpeg');
        const bytes = response.rawPayload;
        const meta = await sharp(bytes).metadata();
        expect(meta.format).toBe(format);
        // Orientation 6: the 3000×2000 landscape is a portrait once upright.
        expect([meta.width, meta.height]).toEqual([width, width * 1.5]);
        expect(meta.exif).toBeUndefined();
        expect(meta.orientation).toBeUndefined();
        expect(bytes.includes('WGS-84')).toBe(false);
        expect(bytes.includes('HUIJU-CAMERA-OWNER')).toBe(false);
        sizes[`${width}.${format}`] = bytes.length;
      }
    }
    // A phone's copy is a small fraction of the original.
    expect(sizes['480.webp']!).toBeLessThan(camera.length / 50);
    expect(sizes['480.jpeg']!).toBeLessThan(camera.length / 50);
    expect(sizes['960.jpeg']!).toBeLessThan(camera.length / 10);
    console.info(`original ${camera.length} B; variants ${JSON.stringify(sizes)}`);
  });

  it('answers a copy again from the cache, 304 to its ETag, and refuses other sizes naming the field', async () => {
    const first = await pub.get(`${photoUrl()}?w=480&format=webp`);
    const again = await pub.get(`${photoUrl()}?w=480&format=webp`);
    expect(sha(again.rawPayload)).toBe(sha(first.rawPayload));
    const etag = first.headers.etag as string;
    expect(etag).not.toBe((await pub.get(photoUrl())).headers.etag);
    expect((await pub.request({ method: 'GET', url: `${photoUrl()}?w=480&format=webp`, headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    const bad = await pub.get(`${photoUrl()}?w=500&format=gif`);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['format', 'w']);
  });

  it('offers srcset on the activity page and the cards', async () => {
    const page = (await pub.get(`/api/v1/public/showcase/activities/${activityId}`)).json();
    expect(page.photos[0]).toEqual({
      url: photoUrl(),
      caption: '开幕式',
      srcset: {
        jpeg: `${photoUrl()}?w=480&format=jpeg 480w, ${photoUrl()}?w=960&format=jpeg 960w, ${photoUrl()}?w=1600&format=jpeg 1600w`,
        webp: `${photoUrl()}?w=480&format=webp 480w, ${photoUrl()}?w=960&format=webp 960w, ${photoUrl()}?w=1600&format=webp 1600w`,
      },
    });
    const list = (await pub.get(`/api/v1/public/showcase/${sc.s.jiangsu.id}/${sc.year}/activities`)).json();
    expect(list.items[0]).toMatchObject({ photo: photoUrl(), photoSrcset: { webp: expect.stringContaining('?w=480&format=webp 480w') } });
  });

  it('stops serving the copies once the activity is withdrawn', async () => {
    const withdrawn = await sc.clients.nanjing.post(`/api/v1/showcase/publications/${publication.id}/withdraw`, { version: publication.version, reason: '活动延期' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect((await pub.get(`${photoUrl()}?w=480&format=webp`)).statusCode).toBe(404);
    expect((await pub.get(photoUrl())).statusCode).toBe(404);
  });
});
