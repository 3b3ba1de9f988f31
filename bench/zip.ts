import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { openPGlite } from '../src/server/db/database';
import { LocalFileStore } from '../src/server/storage/file-store';
import { driveBurst, huijuOn } from './burst';
import { median, type BenchResult } from './report';

/**
 * W5, the task's files.zip: units of a city-level office (南京, PGlite) send their 2 MB stamped PDF
 * and .docx through the real upload and submit API (the burst driver, spread out); then the
 * collector downloads `/collection-tasks/:id/files.zip` from the running server, against reading
 * the same stored files one after another with fs streams in this process. Runs alternate (disk,
 * zip, disk, zip, …) so both meet the same page cache; the ratio of the medians is the target.
 */
const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
/** A stream that only counts what passes. */
const counter = (count: (bytes: number) => void) =>
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      count(chunk.length);
      done();
    },
  });

export async function benchZip(options: { quick: boolean; notes: string[] }): Promise<BenchResult[]> {
  const senders = options.quick ? 40 : 150;
  // Disk reads on a shared machine swing several-fold between runs: more, short, alternating runs.
  const runs = options.quick ? 5 : 9;
  const server = await huijuOn('PGlite', undefined, { items: 0, scale: 0, poolSize: senders, poolEveryUnit: true, requiredFiles: true, city: { code: '3201', units: 300 } });
  let stopped = false;
  try {
    const sent = await driveBurst({ base: server.base, units: server.meta.pool, windowSeconds: 0, concurrency: 4, pdfBytes: 2 * 1024 * 1024, docxBytes: 100 * 1024, giveUpSeconds: 120 });
    const failed = sent.outcomes.filter((o) => !o.acknowledged);
    if (failed.length > 0) throw new Error(`zip bench: ${failed.length} units could not submit: ${failed[0]!.error}`);
    // The storage keys, read from the database after the server stopped (PGlite has one process).
    await server.stop();
    stopped = true;
    const handle = await openPGlite(server.dataDir);
    const keys = await handle.db
      .selectFrom('submission_files as sf')
      .innerJoin('stored_files as f', 'f.id', 'sf.file_id')
      .innerJoin('submissions as s', 's.id', 'sf.submission_id')
      .select(['f.storage_key', 'f.size_bytes'])
      .where('s.status', '=', 'submitted')
      .orderBy('f.created_at')
      .execute();
    await handle.close();
    const fileBytes = keys.reduce((n, k) => n + Number(k.size_bytes), 0);
    const again = await server.restart();
    const store = new LocalFileStore(path.join(server.dataDir, 'files'));
    const readDisk = async () => {
      let bytes = 0;
      const started = performance.now();
      for (const k of keys) await pipeline(store.read(k.storage_key), counter((n) => (bytes += n)));
      const seconds = (performance.now() - started) / 1000;
      if (bytes !== fileBytes) throw new Error(`read ${bytes} bytes of ${fileBytes}`);
      return fileBytes / seconds;
    };
    const download = async () => {
      const started = performance.now();
      // node:http, as curl or a browser would: fetch()'s web streams would measure the client.
      const { status, length, bytes } = await new Promise<{ status: number; length: number; bytes: number }>((resolve, reject) => {
        http
          .get(`${again.base}/api/v1/collection-tasks/${server.meta.rootTaskId}/files.zip`, { headers: { cookie: `huiju_session=${server.meta.admin.token}` } }, (response) => {
            let received = 0;
            response.on('data', (chunk: Buffer) => (received += chunk.length));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, length: Number(response.headers['content-length']), bytes: received }));
            response.on('error', reject);
          })
          .on('error', reject);
      });
      const seconds = (performance.now() - started) / 1000;
      if (status !== 200 || bytes !== length) throw new Error(`files.zip: ${status}, ${bytes} bytes of ${length}`);
      // The rate of the files' bytes (the zip adds its headers on top), comparable with the disk's.
      return { rate: fileBytes / seconds, bytes };
    };
    const before = loadAverage();
    const disk: number[] = [];
    const zip: number[] = [];
    let zipBytes = 0;
    try {
      await readDisk();
      await download(); // warm-up: both sides start from the page cache
      for (let i = 0; i < runs; i++) {
        disk.push(await readDisk());
        const z = await download();
        zip.push(z.rate);
        zipBytes = z.bytes;
      }
    } finally {
      await again.stop();
    }
    const mb = (rates: number[]) => rates.map((r) => r / 1024 / 1024);
    const stat = (values: number[]) => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });
    const ratio = median(zip) / median(disk);
    const label = `W5 files.zip, ${keys.length} files (${senders} units × 2 MB PDF + 100 KB .docx, ${(fileBytes / 1024 / 1024).toFixed(0)} MB), PGlite`;
    options.notes.push(`W5 files.zip: zip / disk ${ratio.toFixed(2)}; ${keys.length} files, ${(fileBytes / 1024 / 1024).toFixed(1)} MB of files in a ${(zipBytes / 1024 / 1024).toFixed(1)} MB zip, ${runs} alternating runs after a warm-up of each; load average before ${before}, after ${loadAverage()}.`);
    return [
      { name: `${label}: download over HTTP`, unit: 'MB/s', ...stat(mb(zip)) },
      { name: `${label}: reading the stored files from disk`, unit: 'MB/s', ...stat(mb(disk)) },
      { name: `${label}: zip / disk`, unit: '×', median: ratio, min: Math.min(...zip) / Math.max(...disk), max: Math.max(...zip) / Math.min(...disk), target: '≥ 0.8 ×', met: ratio >= 0.8 },
    ];
  } finally {
    if (!stopped) await server.stop();
    await server.dispose();
  }
}
