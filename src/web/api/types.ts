/**
 * The API's request and response types, inferred from the shared zod contracts. Type-only
 * imports: the contracts' runtime code (zod) stays out of the bundle unless a form needs it.
 */
import type { z } from 'zod';
import type { auditEntry, auditList } from '../../shared/contracts/audit';
import type { activationInfo, sessionView } from '../../shared/contracts/session';
import type { importReport, importRowReport, unitDetail, unitSearchHit, unitSummary } from '../../shared/contracts/units';
import type { bulkCreateResult, createdUser, credentialsView, userList, userView } from '../../shared/contracts/users';

export type { Problem } from '../../shared/contracts/common';
export type SessionView = z.infer<typeof sessionView>;
export type ActivationInfo = z.infer<typeof activationInfo>;
export type UnitSummary = z.infer<typeof unitSummary>;
export type UnitDetail = z.infer<typeof unitDetail>;
export type UnitSearchHit = z.infer<typeof unitSearchHit>;
export type ImportReport = z.infer<typeof importReport>;
export type ImportRowReport = z.infer<typeof importRowReport>;
export type UserView = z.infer<typeof userView>;
export type UserList = z.infer<typeof userList>;
export type CreatedUser = z.infer<typeof createdUser>;
export type CredentialsView = z.infer<typeof credentialsView>;
export type BulkCreateResult = z.infer<typeof bulkCreateResult>;
export type AuditEntry = z.infer<typeof auditEntry>;
export type AuditList = z.infer<typeof auditList>;

/** Request bodies are what the server accepts before its transforms. */
export type { CreateUnitInput, UpdateUnitInput } from '../../shared/contracts/units';
