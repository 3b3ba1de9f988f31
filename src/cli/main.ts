import fs from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { roles, type Role } from '../shared/domain/roles';
import type { Actor } from '../shared/domain/access';
import { regionCodePattern } from '../shared/domain/units';
import { ConfigError, loadConfig } from '../server/config';
import { huijuVersion, openConfiguredDatabase } from '../server/bootstrap';
import { DataDirLockedError } from '../server/db/data-dir-lock';
import type { Db } from '../server/db/database';
import { migrate } from '../server/db/migrate';
import { AppError } from '../server/errors';
import { renderFieldErrors } from '../server/plugins/errors';
import { serve } from '../server/main';
import { errorMessages, formatMessage } from '../shared/i18n/messages';
import { findRootUnit } from '../server/features/units/repository';
import { seedRegions } from '../server/features/units/region-seed';
import { parseRoster } from '../server/features/units/roster-file';
import { importRoster } from '../server/features/units/roster-import';
import { createUser } from '../server/features/users/service';
import { FieldKeyError } from '../server/crypto/field-encryption';
import { FieldKeyMismatchError, fieldCipher, rotateFieldKey } from '../server/crypto/personal-data';
import { rotateTotpKey } from '../server/features/accounts/totp-keys';
import { insertAuditEntry } from '../server/features/audit/repository';
import { registerAuditCommands } from './audit';
import { registerBackupCommands } from './backup';
import { registerClusterCommands } from './cluster';
import { CliError, withDatabase } from './shared';

const cliClient = { ip: 'cli', userAgent: 'huiju-cli' };

/** The command line acts with a system administrator's reach, recorded in the audit log as "cli". */
async function systemActor(db: Db): Promise<Actor> {
  const root = await findRootUnit(db);
  if (!root) throw new Error('The database has no units yet: run `huiju units seed-regions` or `huiju serve` first.');
  return {
    userId: 0,
    username: 'cli',
    unitId: root.id,
    unitPath: root.path,
    grants: [{ role: 'system_admin', unitId: root.id, unitPath: root.path }],
  };
}

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0–65535)');
  return n;
};

const regionCode = (value: string) => {
  if (!regionCodePattern.test(value)) throw new InvalidArgumentError('must be a GB/T 2260 code of 2, 4 or 6 digits, e.g. 32 for 江苏');
  return value;
};

export function buildCli(): Command {
  const program = new Command('huiju')
    .description('汇聚 Huiju — the National S&T Workers Day campaign platform')
    .version(huijuVersion)
    .showHelpAfterError()
    .exitOverride();

  program
    .command('serve')
    .description('start the web server (creates and fills an empty database on first start)')
    .option('--port <port>', 'port to listen on (default PORT or 3000)', port)
    .option('--host <host>', 'address to listen on (default HOST or 0.0.0.0)')
    .addOption(new Option('--dev', 'development mode').hideHelp())
    .action(async (opts: { port?: number; host?: string }) => {
      const config = loadConfig();
      if (opts.port !== undefined) config.port = opts.port;
      if (opts.host) config.host = opts.host;
      const { stop } = await serve(config);
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () => {
          stop().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        });
      }
    });

  program
    .command('migrate')
    .description('apply database migrations not yet applied')
    .action(async () => {
      const database = await openConfiguredDatabase(loadConfig());
      try {
        const applied = await migrate(database.db);
        console.log(applied.length === 0 ? 'Database schema is up to date.' : `Applied: ${applied.join(', ')}`);
      } finally {
        await database.close();
      }
    });

  const units = program.command('units').description('manage the unit hierarchy');
  units
    .command('import <file>')
    .description('import a roster of units from .xlsx or .csv (all rows or none)')
    .option('--dry-run', 'check the file and print the report without writing')
    .action(async (file: string, opts: { dryRun?: boolean }) => {
      if (!fs.existsSync(file)) throw new CliError(`File not found: ${file}`);
      const rows = await parseRoster(fs.readFileSync(file));
      const report = await withDatabase(loadConfig(), async (db) =>
        importRoster(db, { actor: await systemActor(db), rows, dryRun: Boolean(opts.dryRun), client: cliClient }),
      );
      for (const row of report.rows.filter((r) => r.outcome === 'rejected')) {
        console.log(`第 ${row.row} 行 ${row.name}: ${row.problems.join('；')}`);
      }
      const verb = report.applied ? 'Imported' : opts.dryRun && report.rejected === 0 ? 'Would import' : 'Nothing imported';
      console.log(`${verb}: ${report.created} new, ${report.updated} updated, ${report.rejected} rejected.`);
      if (report.rejected > 0) process.exitCode = 1;
    });

  units
    .command('seed-regions')
    .description('create a 科协 for every GB/T 2260 province, city and county that lacks one')
    .option('--root <code>', 'only the region with this code and what lies below it (e.g. 32 for 江苏)', regionCode)
    .action(async (opts: { root?: string }) => {
      const result = await withDatabase(loadConfig(), (db) => db.transaction().execute((trx) => seedRegions(trx, opts.root)));
      console.log(`Created ${result.created} units (${result.total} in the selected regions, national root included).`);
    });

  const users = program.command('users').description('manage accounts');
  users
    .command('create')
    .description('create an account with an initial password or an activation link')
    .requiredOption('--unit <unit>', 'the unit: GB/T 2260 code of a regional 科协, or its exact full or short name')
    .requiredOption('--username <name>', 'sign-in name: 3–64 of a-z 0-9 . _ -')
    .requiredOption('--name <displayName>', 'the person’s name')
    .addOption(new Option('--role <role...>', 'roles held over the unit and its subtree').choices(roles).makeOptionMandatory())
    .option('--password <password>', 'initial password (else a random one is printed)')
    .option('--activation-link', 'print a one-time activation link instead of a password')
    .action(async (opts: { unit: string; username: string; name: string; role: Role[]; password?: string; activationLink?: boolean }) => {
      if (opts.password && opts.activationLink) throw new CliError('Use either --password or --activation-link, not both.');
      if (!/^[a-z0-9._-]{3,64}$/.test(opts.username.toLowerCase())) {
        throw new CliError(`Invalid --username "${opts.username}": use 3–64 of a-z, 0-9, . _ -`);
      }
      const config = loadConfig();
      await withDatabase(config, async (db) => {
        const actor = await systemActor(db);
        const unit = await findUnitForCli(db, opts.unit);
        const { user, credentials } = await createUser(db, {
          actor,
          input: {
            unitId: unit.id,
            username: opts.username.toLowerCase(),
            displayName: opts.name,
            email: null,
            mobile: null,
            roles: opts.role,
            mode: opts.activationLink ? 'activation_link' : 'initial_password',
          },
          publicUrl: config.publicUrl ?? `http://localhost:${config.port}`,
          client: cliClient,
          presetPassword: opts.password,
        });
        console.log(`Created ${user.username} (${opts.role.join(', ')}) at ${user.unit_name}.`);
        if (credentials.initialPassword) console.log(`Initial password: ${credentials.initialPassword}`);
        if (credentials.activationUrl) console.log(`Activation link: ${credentials.activationUrl}`);
      });
    });

  program
    .command('rotate-field-key')
    .description('re-seal all personal data under the current (first) key of HUIJU_FIELD_KEYS')
    .addHelpText(
      'after',
      '\nRotation: put the new key first in HUIJU_FIELD_KEYS (keep the old one after it), run this command,\n' +
        'then remove the old key. On the embedded database the server must be stopped (data-directory lock).',
    )
    .action(async () => {
      const config = loadConfig();
      await withDatabase(config, async (db) => {
        const result = await db.transaction().execute(async (trx) => {
          const rotated = await rotateFieldKey(trx);
          await insertAuditEntry(trx, {
            actorUsername: 'cli',
            action: 'field_key.rotate',
            targetType: 'field_key',
            targetId: null,
            ip: cliClient.ip,
            details: { keyId: fieldCipher().current.id, resealed: rotated.resealed, columns: rotated.byTable },
          });
          return rotated;
        });
        console.log(`Re-sealed ${result.resealed} values under field key ${fieldCipher().current.id}; other keys may now be removed from HUIJU_FIELD_KEYS.`);
      });
    });

  program
    .command('rotate-totp-key')
    .description('re-seal all TOTP secrets under the current (first) key of HUIJU_TOTP_KEYS')
    .addHelpText(
      'after',
      '\nRotation: put the new key first in HUIJU_TOTP_KEYS (keep the old one after it, or the old HUIJU_TOTP_KEY\n' +
        'under any id), run this command, then remove the old key. Secrets stored as is are sealed too.',
    )
    .action(async () => {
      const config = loadConfig();
      const keys = config.totpKey;
      if (!keys) throw new CliError('No TOTP key configured: set HUIJU_TOTP_KEYS (keyId:base64 of 32 bytes, the first seals).');
      await withDatabase(config, async (db) => {
        const result = await db.transaction().execute(async (trx) => {
          const rotated = await rotateTotpKey(trx, keys);
          await insertAuditEntry(trx, {
            actorUsername: 'cli',
            action: 'totp_key.rotate',
            targetType: 'totp_key',
            targetId: null,
            ip: cliClient.ip,
            details: { keyId: keys.current.id, resealed: rotated.resealed, columns: rotated.byTable },
          });
          return rotated;
        });
        console.log(`Re-sealed ${result.resealed} TOTP secrets under TOTP key ${keys.current.id}; other keys may now be removed from HUIJU_TOTP_KEYS.`);
      });
    });

  registerAuditCommands(program);
  registerBackupCommands(program);
  registerClusterCommands(program);

  return program;
}

async function findUnitForCli(db: Db, text: string) {
  let query = db.selectFrom('units').select(['id', 'short_name']);
  query = regionCodePattern.test(text)
    ? query.where('region_code', '=', text).where('type', '=', 'regional_association')
    : query.where((eb) => eb.or([eb('name', '=', text), eb('short_name', '=', text)]));
  const found = await query.limit(2).execute();
  if (found.length === 0) throw new CliError(`No unit matches "${text}".`);
  if (found.length > 1) throw new CliError(`"${text}" matches several units; give the full name or the region code.`);
  return found[0]!;
}

function describe(error: unknown): string {
  if (error instanceof AppError) {
    const fields = renderFieldErrors(error.fieldErrors, 'zh-CN')
      .map((f) => `${f.field}: ${f.message}`)
      .join('; ');
    return `${formatMessage(errorMessages['zh-CN'][error.code], error.params)}${fields ? ` (${fields})` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    const known =
      error instanceof ConfigError ||
      error instanceof DataDirLockedError ||
      error instanceof CliError ||
      error instanceof AppError ||
      error instanceof FieldKeyMismatchError ||
      error instanceof FieldKeyError;
    console.error(`huiju: ${describe(error)}`);
    if (!known) console.error(error);
    process.exitCode = 1;
  }
}

await runCli(process.argv);
