import fs from 'node:fs';
import os from 'node:os';

export interface BenchResult {
  name: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  target?: string;
  met?: boolean;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const fmt = (n: number) => (!Number.isFinite(n) ? '—' : n >= 100 ? n.toFixed(0) : n.toFixed(1));

export function table(results: BenchResult[]): string {
  const lines = ['| workload | median | min | max | unit | target | met |', '| --- | ---: | ---: | ---: | --- | --- | --- |'];
  for (const r of results) {
    lines.push(`| ${r.name} | ${fmt(r.median)} | ${fmt(r.min)} | ${fmt(r.max)} | ${r.unit} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : 'no'} |`);
  }
  return lines.join('\n');
}

/** Appends a dated section with the machine and the command to docs/performance.md. */
export function appendToPerformanceDoc(results: BenchResult[], command: string, notes: string[] = []) {
  const file = new URL('../docs/performance.md', import.meta.url);
  const header = fs.existsSync(file) ? '' : '# Performance\n\nResults of `npm run bench`, newest last. Absolute figures drift on shared machines; compare ratios within one run.\n';
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const section = [
    '',
    `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.version}. Command: \`${command}\`.`,
    '',
    table(results),
    '',
    ...notes.map((n) => `- ${n}`),
    ...(notes.length ? [''] : []),
  ].join('\n');
  fs.appendFileSync(file, header + section);
}
