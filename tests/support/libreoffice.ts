/**
 * LibreOffice and poppler as real consumers of the documents Huiju generates: a .docx or .xlsx that
 * LibreOffice converts is one that Word/WPS users can open, and pdftotext shows what a PDF says.
 *
 * Tests skip when the tools are missing, unless HUIJU_REQUIRE_LIBREOFFICE=1 (as in CI), where a
 * missing tool is a failure rather than a silent skip.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CONVERT_TIMEOUT_MS = 60_000;

function findOnPath(names: readonly string[]): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return null;
}

function required(tool: string, found: boolean): boolean {
  if (!found && process.env.HUIJU_REQUIRE_LIBREOFFICE === '1') {
    throw new Error(
      `HUIJU_REQUIRE_LIBREOFFICE=1 but ${tool} is not on PATH: install libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk`,
    );
  }
  return found;
}

/** Whether `soffice` or `libreoffice` is on PATH. */
export function libreOfficeAvailable(): boolean {
  return required('LibreOffice (soffice)', findOnPath(['soffice', 'libreoffice']) !== null);
}

/** Whether poppler's `pdftotext` is on PATH. */
export function pdfToTextAvailable(): boolean {
  return required('pdftotext (poppler-utils)', findOnPath(['pdftotext']) !== null);
}

interface RunResult {
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs a command in its own process group so that a timeout kills LibreOffice's helper processes
 * too, not only the launcher.
 */
function run(command: string, args: readonly string[], options: { input?: Buffer; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const err = Buffer.concat(stderr).toString('utf8');
      if (timedOut) reject(new Error(`${command} timed out after ${options.timeoutMs} ms`));
      else if (code !== 0) reject(new Error(`${command} exited with ${code ?? signal}: ${err.trim()}`));
      else resolve({ stdout: Buffer.concat(stdout), stderr: err });
    });
    child.stdin.on('error', () => {}); // the tool may exit before reading all input
    child.stdin.end(options.input ?? Buffer.alloc(0));
  });
}

// One LibreOffice profile per test process: a fresh profile costs seconds on every start, and two
// processes sharing one block each other. Conversions inside a process run one at a time.
let profileDir: string | null = null;
let queue: Promise<unknown> = Promise.resolve();

function profileUrl(): string {
  if (!profileDir) {
    profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiju-lo-profile-'));
    const dir = profileDir;
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return `file://${profileDir}`;
}

/** LibreOffice's filter for each target; text comes out as UTF-8. */
function filterFor(fromExt: 'docx' | 'xlsx', to: 'pdf' | 'txt'): string {
  if (to === 'pdf') return 'pdf';
  return fromExt === 'xlsx' ? 'txt:Text - txt - csv (StarCalc):44,34,76' : 'txt:Text (encoded):UTF8';
}

/** Converts a .docx or .xlsx with headless LibreOffice and returns the converted file. */
export function convertWithLibreOffice(input: Buffer, fromExt: 'docx' | 'xlsx', to: 'pdf' | 'txt'): Promise<Buffer> {
  const soffice = findOnPath(['soffice', 'libreoffice']);
  if (!soffice) return Promise.reject(new Error('LibreOffice (soffice) is not on PATH'));
  const task = queue.then(async () => {
    const workDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'huiju-lo-'));
    try {
      const source = path.join(workDir, `document.${fromExt}`);
      await fs.promises.writeFile(source, input);
      await run(
        soffice,
        [`-env:UserInstallation=${profileUrl()}`, '--headless', '--norestore', '--nologo', '--convert-to', filterFor(fromExt, to), '--outdir', workDir, source],
        { timeoutMs: CONVERT_TIMEOUT_MS },
      );
      const output = path.join(workDir, `document.${to}`);
      if (!fs.existsSync(output)) throw new Error(`LibreOffice produced no ${to} from the ${fromExt} file`);
      return await fs.promises.readFile(output);
    } finally {
      await fs.promises.rm(workDir, { recursive: true, force: true });
    }
  });
  queue = task.catch(() => {});
  return task;
}

/** The text of a PDF, laid out as on the page (`pdftotext -layout`). */
export async function pdfToText(pdf: Buffer): Promise<string> {
  const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], { input: pdf, timeoutMs: CONVERT_TIMEOUT_MS });
  return stdout.toString('utf8');
}
