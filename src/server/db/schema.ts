import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Role } from '../../shared/domain/roles';
import type { UnitLevel, UnitType } from '../../shared/domain/units';

/**
 * Kysely's view of the tables created by migrations/. The SQL is the source of truth;
 * tests/api/schema.test.ts checks that every column named here exists in the migrated database.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface UnitsTable {
  id: Generated<number>;
  parent_id: number | null;
  path: Generated<string>;
  depth: Generated<number>;
  name: string;
  short_name: string;
  type: UnitType;
  level: UnitLevel;
  region_code: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  contact_name: string | null;
  contact_office_phone: string | null;
  contact_mobile: string | null;
  contact_fax: string | null;
  contact_email: string | null;
  mailing_address: string | null;
  pinyin_initials: Generated<string>;
  sort_key: Generated<string>;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export type UserStatus = 'active' | 'pending_activation' | 'disabled';

export interface UsersTable {
  id: Generated<number>;
  unit_id: number;
  username: string;
  display_name: string;
  email: string | null;
  mobile: string | null;
  password_hash: string | null;
  status: Generated<UserStatus>;
  must_change_password: Generated<boolean>;
  locked_until: NullableTimestamp;
  activation_token_hash: string | null;
  activation_expires_at: NullableTimestamp;
  password_changed_at: NullableTimestamp;
  version: Generated<number>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface RoleAssignmentsTable {
  user_id: number;
  role: Role;
  unit_id: number;
  granted_at: GeneratedTimestamp;
}

export interface SignInFailuresTable {
  id: Generated<number>;
  user_id: number;
  failed_at: GeneratedTimestamp;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: GeneratedTimestamp;
  last_seen_at: GeneratedTimestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  occurred_at: GeneratedTimestamp;
  actor_user_id: number | null;
  actor_username: string | null;
  actor_unit_id: number | null;
  unit_id: number | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: Generated<'success' | 'failure'>;
  ip: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface SchemaMigrationsTable {
  name: string;
  sha256: string;
  applied_at: GeneratedTimestamp;
}

export interface Database {
  units: UnitsTable;
  users: UsersTable;
  role_assignments: RoleAssignmentsTable;
  sign_in_failures: SignInFailuresTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  schema_migrations: SchemaMigrationsTable;
}

export type UnitRow = Selectable<UnitsTable>;
export type NewUnitRow = Insertable<UnitsTable>;
export type UnitUpdate = Updateable<UnitsTable>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type AuditRow = Selectable<AuditLogTable>;
