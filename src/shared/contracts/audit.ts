import { z } from 'zod';
import { paginationQuery } from './common';

export const auditQuery = paginationQuery.extend({
  q: z.string().trim().max(100).optional(),
  action: z.string().trim().max(60).optional(),
  outcome: z.enum(['success', 'failure']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export const auditEntry = z.object({
  id: z.string(),
  occurredAt: z.string(),
  actorUsername: z.string().nullable(),
  actorUnitName: z.string().nullable(),
  unitId: z.number().int().nullable(),
  unitName: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  outcome: z.enum(['success', 'failure']),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntry>;

export const auditList = z.object({ items: z.array(auditEntry), total: z.number().int() });
