import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openPGlite, openPostgres } from '../src/server/db/database';
import { LocalFileStore } from '../src/server/storage/file-store';
import type { BurstJob, BurstOutcome, BurstResult } from './burst-driver';
import { generateInto, type GeneratedMeta, type GenerateOptions } from './generate';
import { dropDatabase, freshDatabase, runJobScript, startHuiju, stopProcess } from './http';
import type { BenchResult } from './report';

/**
 * W6, the deadline burst end to end: every regional unit (3,429 of the GB/T 2260 hierarchy under
 * 中国科协) arrives within one window, uploads a 1 MB stamped PDF and a 100 KB .docx through the
 * upload API, saves its plan naming them and submits, against a real `huiju serve` process, driven
 * from a separate process (bench/burst-driver.ts). Afterwards the database and the file store are
 * counted: an acknowledged submission that is not there, or whose files are not, is lost.
 */
const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

/** Runs the driver in its own process on a job. */
export const driveBurst = (job: BurstJob) => runJobScript<BurstResult>('bench/burst-driver.ts', job);

/** A generated data set with a running Huiju on it; `stop` ends the process, `dispose` removes the data. */
export async function huijuOn(kind: string, serverUrl: string | undefined, options: GenerateOptions) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiju-bench-files-'));
  const databaseUrl = serverUrl ? await freshDatabase(serverUrl) : undefined;
  const dispose = async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (serverUrl && databaseUrl) await dropDatabase(serverUrl, databaseUrl);
  };
  try {
    const meta: GeneratedMeta = await generateInto({ dataDir, databaseUrl }, { ...options, log: (l) => console.log(`[bench] ${kind}: ${l}`) });
    const launch = async () => {
      const { base, child } = await startHuiju(dataDir, databaseUrl);
      return { base, stop: () => stopProcess(child) };
    };
    const first = await launch();
    return { meta, base: first.base, dataDir, databaseUrl, stop: first.stop, restart: launch, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** What the database and the file store hold for the acknowledged units, counted after the server stopped. */
export async function countStored(dataDir: string, databaseUrl: string | undefined, acknowledged: BurstOutcome[]) {
  const handle = databaseUrl ? openPostgres(databaseUrl, 2) : await openPGlite(dataDir);
  const store = new LocalFileStore(path.join(dataDir, 'files'));
  try {
    const { db } = handle;
    const submitted = new Set<string>();
    const attached = new Map<string, { storage_key: string; size_bytes: string; sha256: string }>();
    const unitIds = acknowledged.map((o) => o.unitId);
    for (let i = 0; i < unitIds.length; i += 1000) {
      const chunk = unitIds.slice(i, i + 1000);
      const rows = await db.selectFrom('submissions').select(['task_id', 'unit_id', 'id']).where('unit_id', 'in', chunk).where('status', '=', 'submitted').where('submitted_at', 'is not', null).execute();
      for (const r of rows) submitted.add(`${r.task_id}:${r.unit_id}`);
      const files = await db
        .selectFrom('submission_files as sf')
        .innerJoin('submissions as s', 's.id', 'sf.submission_id')
        .innerJoin('stored_files as f', 'f.id', 'sf.file_id')
        .select(['f.id', 'f.storage_key', 'f.size_bytes', 'f.sha256'])
        .where('s.unit_id', 'in', chunk)
        .where('s.status', '=', 'submitted')
        .execute();
      for (const f of files) attached.set(f.id, f);
    }
    let lost = 0;
    let filesPresent = 0;
    for (const o of acknowledged) {
      let whole = submitted.has(`${o.taskId}:${o.unitId}`);
      for (const f of o.files) {
        const row = attached.get(f.fileId);
        const onDisk = row ? await store.size(row.storage_key) : null;
        const present = row !== undefined && onDisk === f.size && Number(row.size_bytes) === f.size && row.sha256 === f.sha256;
        if (present) filesPresent++;
        else whole = false;
      }
      if (!whole) lost++;
    }
    const total = Number((await db.selectFrom('submissions').select(sql<string>`count(*)`.as('n')).where('status', '=', 'submitted').executeTakeFirstOrThrow()).n);
    return { lost, filesPresent, submittedInDatabase: total };
  } finally {
    await handle.close();
  }
}

const percentile = (sorted: number[], q: number) => (sorted.length === 0 ? Infinity : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);

export async function benchBurst(options: { quick: boolean; databaseUrl?: string | undefined; notes: string[] }): Promise<BenchResult[]> {
  const kind = options.databaseUrl ? 'PostgreSQL' : 'PGlite';
  // Quick mode scales the burst down by the same arrival rate's order (600 in 20 s = 30/s; the
  // real burst is ≈ 57/s); the full run is the issue's: every regional unit within 60 s.
  const wanted = options.quick ? 600 : 10_000;
  const windowSeconds = options.quick ? 20 : 60;
  const graceSeconds = 30;
  const server = await huijuOn(kind, options.databaseUrl, { items: 0, scale: 0, poolSize: wanted, poolEveryUnit: true, requiredFiles: true });
  try {
    const units = server.meta.pool;
    const label = `W6 deadline burst, ${units.length.toLocaleString('en')} units × (1 MB PDF + 100 KB .docx) in ${windowSeconds} s, ${kind}`;
    const before = loadAverage();
    let result: BurstResult;
    try {
      result = await driveBurst({ base: server.base, units, windowSeconds, concurrency: 64, pdfBytes: 1024 * 1024, docxBytes: 100 * 1024, giveUpSeconds: graceSeconds + 90 });
    } finally {
      await server.stop();
    }
    const after = loadAverage();
    const acked = result.outcomes.filter((o) => o.acknowledged);
    const stored = await countStored(server.dataDir, server.databaseUrl, acked);
    const latencies = acked.map((o) => o.acknowledgedAt! - o.arrivedAt).sort((a, b) => a - b);
    const lastAck = Math.max(0, ...acked.map((o) => o.acknowledgedAt!)) / 1000;
    const inTime = acked.filter((o) => o.acknowledgedAt! <= (windowSeconds + graceSeconds) * 1000).length;
    const retries = result.outcomes.reduce((n, o) => n + o.retries, 0);
    const errors = result.outcomes.filter((o) => !o.acknowledged);
    const one = (name: string, unit: string, value: number, target?: string, met?: boolean): BenchResult => ({ name: `${label}: ${name}`, unit, median: value, min: value, max: value, ...(target ? { target, met } : {}) });
    const stepMedians = (['queued', 'pdf', 'docx', 'save', 'submit'] as const).map((step) => `${step} ${percentile(acked.map((o) => o.steps![step]).sort((a, b) => a - b), 0.5).toFixed(0)} ms`);
    options.notes.push(
      `W6 burst, ${kind}: per-unit medians ${stepMedians.join(', ')} (queued: waiting for one of the driver's 64 slots); ${units.length} units, files ${(result.pdfBytes / 1024).toFixed(0)} KB + ${(result.docxBytes / 1024).toFixed(0)} KB, ${retries} retries, ${errors.length} not acknowledged${errors[0] ? ` (first: ${errors[0].error})` : ''}; ${stored.submittedInDatabase} submitted submissions in the database; load average before ${before}, after ${after}.`,
    );
    return [
      one('acknowledged', 'units', acked.length, `all ${units.length}`, acked.length === units.length),
      one(`acknowledged within the window + ${graceSeconds} s`, 'units', inTime, `all ${units.length}`, inTime === units.length),
      one('window start → last acknowledgement', 's', lastAck, `≤ ${windowSeconds + graceSeconds} s`, acked.length === units.length && lastAck <= windowSeconds + graceSeconds),
      one('per-unit latency p50', 'ms', percentile(latencies, 0.5)),
      one('per-unit latency p95', 'ms', percentile(latencies, 0.95)),
      one('per-unit latency p99', 'ms', percentile(latencies, 0.99)),
      one('files stored and attached (counted afterwards)', 'files', stored.filesPresent, `${acked.length * 2}`, stored.filesPresent === acked.length * 2),
      one('lost (acknowledged, missing afterwards)', 'units', stored.lost, '0', stored.lost === 0),
    ];
  } finally {
    await server.dispose();
  }
}
