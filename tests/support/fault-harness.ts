import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { Db } from '../../src/server/db/database';
import { createUnit, createUser, regionalUnit } from './factories';
import { huijuBin } from './cli';
import type { Client } from './test-app';

/** A running `huiju serve` child process. */
export interface ServerProcess {
  proc: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  output: () => string;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the real server (`huiju serve` on a free port). A PGlite data directory whose previous
 * owner was killed keeps its lock until it goes stale (15 s): start-up is retried meanwhile.
 */
export async function startServer(env: Record<string, string>, timeoutMs = 40_000, port = 0): Promise<ServerProcess> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const proc = spawn(process.execPath, [huijuBin, 'serve', '--host', '127.0.0.1', '--port', String(port)], {
      env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', HUIJU_ADMIN_PASSWORD: 'Fault@Huiju2026', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    const started = await Promise.race([
      (async () => {
        while (!/running at (http:\/\/\S+)/.test(out)) await sleep(50);
        return /running at (http:\/\/\S+)/.exec(out)![1]!;
      })(),
      exited.then(() => null),
      sleep(Math.max(deadline - Date.now(), 1)).then(() => null),
    ]);
    if (started) return { proc, url: started, exited, output: () => out };
    proc.kill('SIGKILL');
    await exited;
    if (/Another Huiju process/.test(out) && Date.now() < deadline) {
      await sleep(1000);
      continue;
    }
    throw new Error(`huiju serve did not start:\n${out}`);
  }
}

export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (server.proc.exitCode !== null || server.proc.signalCode !== null) return;
  server.proc.kill(signal);
  await server.exited;
}

/** An answer as the tests' inject() client gives it. */
export interface HttpAnswer {
  statusCode: number;
  body: string;
  headers: Headers;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A signed-in client over real HTTP, shaped like the inject() `Client` the scenario helpers take. */
export class HttpClient {
  /** The cookies the server set (the session, and any other it sends), as a browser keeps them. */
  private readonly jar = new Map<string, string>();
  csrfToken = '';
  constructor(public base: string) {}

  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private keepCookies(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      this.jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  }

  async request(method: string, url: string, options: { body?: unknown; raw?: Buffer; contentType?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    let body: Uint8Array | string | undefined;
    if (options.raw) {
      body = new Uint8Array(options.raw);
      headers['content-type'] = options.contentType!;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.base}${url}`, { method, headers, body: body as RequestInit['body'], signal: AbortSignal.timeout(20_000) });
    this.keepCookies(response);
    const text = await response.text();
    return { statusCode: response.status, body: text, headers: response.headers, json: () => JSON.parse(text) };
  }

  get = (url: string) => this.request('GET', url);
  post = (url: string, body?: unknown) => this.request('POST', url, { body });
  put = (url: string, body?: unknown) => this.request('PUT', url, { body });
  patch = (url: string, body?: unknown) => this.request('PATCH', url, { body });

  async signIn(username: string, password: string) {
    const response = await fetch(`${this.base}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`sign-in of ${username}: ${response.status} ${text}`);
    this.keepCookies(response);
    this.csrfToken = (JSON.parse(text) as { csrfToken: string }).csrfToken;
    return this;
  }

  /** For helpers written against the inject() client (they use get/post/statusCode/json/body). */
  asClient(): Client {
    return this as unknown as Client;
  }
}

export function multipart(file: Buffer, filename: string, type = 'application/pdf') {
  const boundary = `----huiju-fault-${randomBytes(6).toString('hex')}`;
  return {
    head: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    file,
    tail: Buffer.from(`\r\n--${boundary}--\r\n`),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** A stamped-PDF stand-in with random content (each one a distinct SHA-256). */
export function randomPdf(bytes: number): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.4\n%'), randomBytes(bytes), Buffer.from('\n%%EOF\n')]);
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The people of the harness: a provincial campaign manager and one contact per addressed unit. */
export async function faultPeople(db: Db, societies: number) {
  const jiangsu = await regionalUnit(db, '32');
  const province = await createUser(db, jiangsu.id, ['campaign_manager'], { username: 'fault-province' });
  const cities = await db
    .selectFrom('units')
    .select(['id'])
    .where('parent_id', '=', jiangsu.id)
    .where('type', '=', 'regional_association')
    .orderBy('id')
    .execute();
  const unitIds = cities.map((c) => c.id);
  for (let i = 0; i < societies; i++) {
    unitIds.push((await createUnit(db, jiangsu.id, { shortName: `省故障演练学会${i + 1}`, type: 'learned_society', level: 'provincial' })).id);
  }
  const contacts = [];
  for (const [i, unitId] of unitIds.entries()) contacts.push({ unitId, ...(await createUser(db, unitId, ['contact'], { username: `fault-contact-${i + 1}` })) });
  return { jiangsu, province, contacts };
}

/** One contact's work: upload the stamped PDF, save the draft naming it, submit with an Idempotency-Key. */
export class SubmissionJob {
  pdf: Buffer;
  fileId: string | undefined;
  acknowledgedFiles: { id: string; sha256: string }[] = [];
  version: number | undefined;
  submitBody: { version: number } | undefined;
  receipt: Record<string, unknown> | undefined;
  readonly key = `fault-${randomBytes(8).toString('hex')}`;
  attempts = 0;

  constructor(
    public client: HttpClient,
    public taskId: number,
    public unitId: number,
    private items: unknown[],
  ) {
    this.pdf = randomPdf(20_000 + Math.floor(Math.random() * 40_000));
  }

  get done() {
    return this.receipt !== undefined;
  }

  /** Runs the remaining steps; a network error or a 5xx leaves the job where it was for a retry. */
  async run(): Promise<void> {
    this.attempts++;
    if (!this.fileId) {
      const part = multipart(this.pdf, `故障演练盖章版${this.unitId}.pdf`);
      const response = await this.client.request('POST', `/api/v1/collection-tasks/${this.taskId}/files?field=stampedPdf`, {
        raw: Buffer.concat([part.head, part.file, part.tail]),
        contentType: part.contentType,
      });
      if (response.statusCode !== 201) throw new Unacknowledged(`upload ${response.statusCode} ${response.body}`);
      const view = response.json() as { id: string; sha256: string };
      if (view.sha256 !== sha256(this.pdf)) throw new Error(`upload acknowledged with SHA-256 ${view.sha256}, sent ${sha256(this.pdf)}`);
      this.fileId = view.id;
      this.acknowledgedFiles.push(view);
    }
    if (this.version === undefined) {
      const detail = await this.client.get(`/api/v1/collection-tasks/${this.taskId}`);
      if (detail.statusCode !== 200) throw new Unacknowledged(`detail ${detail.statusCode}`);
      const current = detail.json().submission as { version: number; values: { fields: { stampedPdf?: { fileId: string }[] } } } | null;
      if (current?.values.fields.stampedPdf?.[0]?.fileId === this.fileId) {
        // The earlier save was done although its answer was lost.
        this.version = current.version;
      } else {
        const saved = await this.client.put(`/api/v1/collection-tasks/${this.taskId}/submission`, {
          ...(current ? { version: current.version } : {}),
          values: { fields: { stampedPdf: [{ fileId: this.fileId, name: `故障演练盖章版${this.unitId}.pdf` }] }, items: this.items },
        });
        if (saved.statusCode !== 200) throw new Unacknowledged(`save ${saved.statusCode} ${saved.body}`);
        this.version = saved.json().version as number;
      }
    }
    this.submitBody ??= { version: this.version };
    const submitted = await this.submit(this.submitBody);
    if (submitted.statusCode !== 200) throw new Unacknowledged(`submit ${submitted.statusCode} ${submitted.body}`);
    this.receipt = submitted.json();
  }

  submit(body: unknown) {
    return this.client.request('POST', `/api/v1/collection-tasks/${this.taskId}/submission/submit`, { body, headers: { 'idempotency-key': this.key } });
  }
}

export class Unacknowledged extends Error {}

/** Runs jobs `concurrency` at a time until all are done or `stop()` says so; failures are left for a retry. */
export async function drive(jobs: SubmissionJob[], concurrency: number, stop: () => boolean = () => false) {
  const queue = jobs.filter((j) => !j.done);
  const errors: unknown[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let job = queue.shift(); job && !stop(); job = queue.shift()) {
        try {
          await job.run();
        } catch (error) {
          // Connection refused or reset, a 5xx: unacknowledged; anything else is a real failure.
          if (!(error instanceof Unacknowledged) && !(error instanceof TypeError) && (error as Error).name !== 'TimeoutError') errors.push(error);
        }
      }
    }),
  );
  if (errors.length > 0) throw errors[0];
}

/** Every stored original under the files directory (not tmp/ nor the derived cache), by storage key. */
export function filesOnDisk(root: string): Map<string, string> {
  const found = new Map<string, string>();
  if (!fs.existsSync(root)) return found;
  for (const dir of fs.readdirSync(root)) {
    if (dir === 'tmp' || dir === 'derived' || dir === 'lost+found') continue;
    for (const name of fs.readdirSync(path.join(root, dir))) {
      found.set(`${dir}/${name}`, sha256(fs.readFileSync(path.join(root, dir, name))));
    }
  }
  return found;
}

export function tmpEntries(root: string): string[] {
  const tmp = path.join(root, 'tmp');
  return fs.existsSync(tmp) ? fs.readdirSync(tmp) : [];
}

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Whether a small tmpfs can be mounted here (root with the capability): the "disk full" case needs one. */
export function canMountTmpfs(dir: string): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = path.join(dir, 'probe');
  fs.mkdirSync(probe, { recursive: true });
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
  if (mounted) spawnSync('umount', [probe]);
  fs.rmSync(probe, { recursive: true, force: true });
  return mounted;
}

/**
 * Sends an upload by hand over one connection: the head, then the file in `chunk`-byte pieces every
 * `everyMs`, stopping after `stopAfter` bytes when given (a stalled client). Resolves with the answer,
 * or with `closed` when the server drops the connection.
 */
export function trickleUpload(client: HttpClient, url: string, file: Buffer, filename: string, options: { chunk: number; everyMs: number; stopAfter?: number }) {
  const part = multipart(file, filename);
  const target = new URL(`${client.base}${url}`);
  return new Promise<{ statusCode: number; body: string } | 'closed'>((resolve) => {
    const request = http.request({
      host: target.hostname,
      port: target.port,
      path: `${target.pathname}${target.search}`,
      method: 'POST',
      headers: {
        cookie: client.cookie,
        'x-csrf-token': client.csrfToken,
        'content-type': part.contentType,
        'content-length': part.head.length + part.file.length + part.tail.length,
      },
    });
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ statusCode: response.statusCode!, body }));
    });
    request.on('error', () => !answered && resolve('closed'));
    request.on('close', () => !answered && resolve('closed'));
    request.write(part.head);
    let sent = 0;
    const timer = setInterval(() => {
      if (request.destroyed) return clearInterval(timer);
      if (options.stopAfter !== undefined && sent >= options.stopAfter) return clearInterval(timer);
      const piece = file.subarray(sent, sent + options.chunk);
      sent += piece.length;
      request.write(piece);
      if (sent >= file.length) {
        clearInterval(timer);
        request.end(part.tail);
      }
    }, options.everyMs);
  });
}
