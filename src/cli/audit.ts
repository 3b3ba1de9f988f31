import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../server/config';
import { AUDIT_RETENTION_MONTHS, AuditPurgeRefused, purgeAuditLog, retentionLimit, verifyAuditChainConsistently } from '../server/features/audit/chain';
import { CliError, withDatabase } from './shared';

const isoDate = (value: string) => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!date || date.toISOString().slice(0, 10) !== value) throw new InvalidArgumentError('must be a date written YYYY-MM-DD, e.g. 2026-01-01');
  return date;
};

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('check and maintain the append-only, hash-chained audit log');

  audit
    .command('verify')
    .description('recompute the audit hash chain from its anchor to its head; exit 1 naming the first broken row')
    .action(async () => {
      const report = await withDatabase(loadConfig(), (db) => verifyAuditChainConsistently(db));
      const { head } = report;
      const anchor = head.anchorSeq === '0' ? 'from the start' : `from anchor seq ${head.anchorSeq} (${head.anchorHash.slice(0, 16)}…, purged before ${head.anchorBefore?.toISOString().slice(0, 10) ?? '?'})`;
      if (report.ok) {
        console.log(`Audit chain verified: ${report.rows} rows ${anchor}; head seq ${head.headSeq}, hash ${head.headHash}.`);
        return;
      }
      const broken = report.firstBroken!;
      console.error(`Audit chain BROKEN at audit_log row id ${broken.id ?? '(none)'}${broken.seq ? ` (seq ${broken.seq})` : ''}: ${broken.reason}.`);
      console.error(`${report.rows} rows verified before it, ${anchor}.`);
      process.exitCode = 1;
    });

  audit
    .command('purge')
    .description(`delete audit entries written before a date at least ${AUDIT_RETENTION_MONTHS} months back; the chain stays verifiable from a recorded anchor`)
    .requiredOption('--before <date>', 'purge entries written before this date (YYYY-MM-DD, UTC midnight)', isoDate)
    .action(async (opts: { before: Date }) => {
      const result = await withDatabase(loadConfig(), (db) => purgeAuditLog(db, { before: opts.before, actorUsername: 'cli' })).catch((error: unknown) => {
        throw error instanceof AuditPurgeRefused ? new CliError(error.message) : error;
      });
      if (result.purged === 0) {
        console.log(`Nothing to purge before ${opts.before.toISOString().slice(0, 10)} (retention limit today: ${retentionLimit().toISOString().slice(0, 10)}).`);
        return;
      }
      console.log(`Purged ${result.purged} audit entries before ${opts.before.toISOString().slice(0, 10)}; the chain now starts after seq ${result.anchorSeq}, anchor ${result.anchorHash}.`);
    });
}
