import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { stampedPdf, zipOf } from '../src/server/features/files/hostile-files.fixture';
import type { PoolEntry } from './generate';

/**
 * The W6 load driver, in its own process like bench/load.ts (autocannon cannot send a different
 * multipart body per request). Reads a JSON job from the file named by argv[2]; every unit arrives
 * at its own moment spread evenly over the window and, like the browser, uploads its stamped PDF
 * and its .docx, saves the draft naming them, then submits with an Idempotency-Key. Network errors,
 * 5xx and 429 are retried (the submit with the same key) until `giveUpSeconds`. Prints one JSON line.
 */
/** A unit of the generator's pool: its session, its task and its saved draft. */
export type BurstUnit = PoolEntry;

export interface BurstJob {
  base: string;
  units: BurstUnit[];
  windowSeconds: number;
  /** Units in flight at once at most (a later arrival waits; its latency counts from its arrival). */
  concurrency: number;
  pdfBytes: number;
  docxBytes: number;
  giveUpSeconds: number;
}

export interface BurstOutcome {
  unitId: number;
  taskId: number;
  acknowledged: boolean;
  /** From the window's start, ms. */
  arrivedAt: number;
  acknowledgedAt: number | null;
  retries: number;
  error: string | null;
  files: { fileId: string; size: number; sha256: string }[];
  /** ms from the unit's arrival to a free slot, and each request's ms with its retries. */
  steps: { queued: number; pdf: number; docx: number; save: number; submit: number } | null;
}

export interface BurstResult {
  outcomes: BurstOutcome[];
  pdfBytes: number;
  docxBytes: number;
}

/** A Word file of about `bytes`: the document part and a stored (incompressible) picture. */
async function planDocx(bytes: number): Promise<Buffer> {
  const body = '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>特色亮点活动筹备方案</w:t></w:r></w:p></w:body></w:document>';
  return zipOf(
    [
      ['[Content_Types].xml', Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')],
      ['word/document.xml', Buffer.from(body)],
      ['word/media/image1.png', randomBytes(Math.max(0, bytes - 1_000))],
    ],
    false,
  );
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`${status} ${body.slice(0, 200)}`);
  }
}

const retriable = (error: unknown) => !(error instanceof HttpError) || error.status >= 500 || error.status === 429;

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as BurstJob;
  // A few different scans and Word files, as different units send different bytes.
  const pdfs = (await Promise.all(Array.from({ length: 4 }, () => stampedPdf(job.pdfBytes)))).map((b) => new Blob([new Uint8Array(b)], { type: 'application/pdf' }));
  const docxType = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  const docxs = (await Promise.all(Array.from({ length: 4 }, () => planDocx(job.docxBytes)))).map((b) => new Blob([new Uint8Array(b)], { type: docxType }));
  const giveUpAt = (job.windowSeconds + job.giveUpSeconds) * 1000;
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (inFlight < job.concurrency) return void inFlight++;
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };

  const start = performance.now() + 500;
  const now = () => performance.now() - start;

  async function unitFlow(unit: BurstUnit, index: number): Promise<BurstOutcome> {
    const arrivedAt = (index * job.windowSeconds * 1000) / job.units.length;
    const outcome: BurstOutcome = { unitId: unit.unitId, taskId: unit.taskId, acknowledged: false, arrivedAt, acknowledgedAt: null, retries: 0, error: null, files: [], steps: null };
    await sleep(Math.max(0, arrivedAt - now()));
    await acquire();
    const marks = [now()];
    const mark = () => marks.push(now());
    const headers = { cookie: `huiju_session=${unit.token}`, 'x-csrf-token': unit.csrf };
    const api = `${job.base}/api/v1/collection-tasks/${unit.taskId}`;
    // One request, retried like a client would (the same request: the same Idempotency-Key).
    const call = async <T>(send: () => Promise<Response>): Promise<T> => {
      for (let attempt = 0; ; attempt++) {
        try {
          const response = await send();
          const text = await response.text();
          if (response.status >= 300) throw new HttpError(response.status, text);
          return JSON.parse(text) as T;
        } catch (error) {
          if (!retriable(error) || now() + 1000 > giveUpAt) throw error;
          outcome.retries++;
          await sleep(Math.min(4000, 250 * 2 ** attempt) * (0.5 + Math.random()));
        }
      }
    };
    try {
      const upload = (field: string, name: string, content: Blob) =>
        call<{ id: string; name: string; size: number; sha256: string }>(() => {
          const form = new FormData();
          form.append('file', content, name);
          return fetch(`${api}/files?field=${field}`, { method: 'POST', headers, body: form });
        });
      const pdf = await upload('stampedPdf', `盖章版-${unit.unitId}.pdf`, pdfs[index % pdfs.length]!);
      mark();
      const docx = await upload('wordVersion', `筹备方案-${unit.unitId}.docx`, docxs[index % docxs.length]!);
      mark();
      outcome.files = [pdf, docx].map((f) => ({ fileId: f.id, size: f.size, sha256: f.sha256 }));
      const values = {
        fields: { stampedPdf: [{ fileId: pdf.id, name: pdf.name, size: pdf.size }], wordVersion: [{ fileId: docx.id, name: docx.name, size: docx.size }] },
        items: unit.items,
      };
      let saved: { version: number };
      try {
        saved = await call<{ version: number }>(() =>
          fetch(`${api}/submission`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ version: unit.version, values }) }),
        );
      } catch (error) {
        // A save that went through but whose answer was lost: the retry meets the next version.
        if (!(error instanceof HttpError && error.status === 409 && outcome.retries > 0)) throw error;
        saved = { version: unit.version + 1 };
      }
      mark();
      const key = randomUUID();
      await call(() =>
        fetch(`${api}/submission/submit`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ version: saved.version }) }),
      );
      outcome.acknowledged = true;
      outcome.acknowledgedAt = now();
      const [slot, afterPdf, afterDocx, afterSave] = marks as [number, number, number, number];
      outcome.steps = { queued: slot - arrivedAt, pdf: afterPdf - slot, docx: afterDocx - afterPdf, save: afterSave - afterDocx, submit: outcome.acknowledgedAt - afterSave };
    } catch (error) {
      outcome.error = error instanceof Error ? error.message : String(error);
    } finally {
      release();
    }
    return outcome;
  }

  const outcomes = await Promise.all(job.units.map((unit, i) => unitFlow(unit, i)));
  const result: BurstResult = { outcomes, pdfBytes: pdfs[0]!.size, docxBytes: docxs[0]!.size };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
