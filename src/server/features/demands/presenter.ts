import { maskEmail, maskName, maskPhone } from '../../../shared/domain/masking';
import { isOverdue, runningDeadline } from '../../../shared/domain/demands';
import type { DemandRow } from './repository';

/** A demand in the units' list: an excerpt of the description, never the contact. */
export function presentListItem(row: DemandRow, handling: boolean, regionName: string, now = new Date()) {
  const due = runningDeadline({ status: row.status, acceptDueAt: row.accept_due_at, replyDueAt: row.reply_due_at });
  const chars = [...row.description];
  return {
    id: row.id,
    category: row.category,
    regionName,
    status: row.status,
    unitId: row.unit_id,
    unitName: row.unit_name,
    handling,
    excerpt: chars.length > 60 ? `${chars.slice(0, 60).join('')}…` : row.description,
    submittedAt: row.submitted_at.toISOString(),
    dueAt: due?.toISOString() ?? null,
    overdue: isOverdue({ status: row.status, acceptDueAt: row.accept_due_at, replyDueAt: row.reply_due_at }, now),
    escalations: row.escalations,
    forwards: row.forwards,
    rating: row.rating,
  };
}

/** The contact in clear for the handling unit (it replies), masked for units above (PIPL: no need). */
export function presentContact(row: DemandRow, handling: boolean) {
  if (!row.contact_name && !row.contact_phone && !row.contact_email) return null;
  if (handling) return { name: row.contact_name, phone: row.contact_phone, email: row.contact_email, masked: false };
  return {
    name: row.contact_name ? maskName(row.contact_name) : null,
    phone: row.contact_phone ? maskPhone(row.contact_phone) : null,
    email: row.contact_email ? maskEmail(row.contact_email) : null,
    masked: true,
  };
}
