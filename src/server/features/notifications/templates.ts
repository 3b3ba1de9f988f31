import { defaultMailTemplates, type MailKind } from '../../../shared/domain/mail-templates';
import type { DbOrTx } from '../../db/database';

/** The template a unit uses for a kind of mail: its own edit, else the built-in one. */
export async function templateFor(db: DbOrTx, unitId: number, kind: MailKind) {
  const own = await db.selectFrom('mail_templates').select(['subject', 'body']).where('unit_id', '=', unitId).where('kind', '=', kind).executeTakeFirst();
  return own ?? defaultMailTemplates[kind];
}
