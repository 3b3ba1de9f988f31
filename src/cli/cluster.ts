import type { Command } from 'commander';
import { loadConfig } from '../server/config';
import { clusterCheck, formatClusterReport } from '../server/cluster/cluster-check';

export function registerClusterCommands(program: Command): void {
  program
    .command('cluster-check')
    .description('report what this configuration sees: database, replica, storage, job leader, listener, other Huiju processes; exit 1 when the database is unreachable or the files root not writable')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const report = await clusterCheck(loadConfig());
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatClusterReport(report));
      if (!report.ok) process.exitCode = 1;
    });
}
