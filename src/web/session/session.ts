import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { rolesHaving } from '../../shared/domain/access';
import { roles, grantableRoles, type Role } from '../../shared/domain/roles';
import { api, ApiError, setCsrfToken } from '../api/client';
import type { SessionView } from '../api/types';

export const sessionKey = ['session'] as const;

/** The current session, or null when signed out. */
export async function fetchSession(): Promise<SessionView | null> {
  try {
    const session = await api.get<SessionView>('/session', { anonymous: true });
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: fetchSession,
    staleTime: Infinity,
    gcTime: Infinity,
    refetchOnWindowFocus: false,
    retry: (count, error) => !(error instanceof ApiError && error.status > 0 && error.status < 500) && count < 2,
  });
}

/** The session inside the signed-in part of the app, where the guard has made sure there is one. */
export function useRequiredSession(): SessionView {
  const { data } = useSession();
  if (!data) throw new Error('useRequiredSession() outside the signed-in area');
  return data;
}

/** Installs a fresh session (after signing in): nothing cached for an earlier user survives. */
export function startSession(queryClient: QueryClient, session: SessionView) {
  setCsrfToken(session.csrfToken);
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
  clearSessionNotice();
  queryClient.setQueryData(sessionKey, session);
}

/** Forgets the session and everything loaded under it. */
export function endSession(queryClient: QueryClient) {
  setCsrfToken(null);
  queryClient.setQueryData(sessionKey, null);
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
}

// Why the last session ended, for the sign-in page to explain (a tiny external store).
export type SessionNotice = 'expired' | 'signed_out' | 'signed_out_everywhere' | 'activated' | null;
let notice: SessionNotice = null;
const listeners = new Set<() => void>();

export function setSessionNotice(value: SessionNotice) {
  notice = value;
  for (const listener of listeners) listener();
}

export function clearSessionNotice() {
  setSessionNotice(null);
}

export function useSessionNotice(): SessionNotice {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => notice,
  );
}

/** A 401 while signed in: the session ended on the server (idle, expired, signed out elsewhere). */
export function handleSessionLost(queryClient: QueryClient) {
  setCsrfToken(null);
  if (queryClient.getQueryData(sessionKey)) {
    setSessionNotice('expired');
    queryClient.setQueryData(sessionKey, null);
  }
}

export function hasAnyRole(session: SessionView, wanted: readonly Role[]): boolean {
  return session.grants.some((g) => wanted.includes(g.role));
}

/** Roles that manage accounts (the users page); the security administrator uses it for roles, unlocking and TOTP resets. */
export const adminRoles: readonly Role[] = ['system_admin', 'unit_admin'];
export const accountPageRoles: readonly Role[] = [...rolesHaving('users.manage'), ...rolesHaving('accounts.security')];
/** Roles that read the audit log (三员分立: not the system administrator). */
export const auditRoles: readonly Role[] = rolesHaving('audit.view');
/** Roles that see the unit tree (the security and audit administrators do not). */
export const unitViewerRoles: readonly Role[] = rolesHaving('units.view');

/** Roles the signed-in user may grant to others (the server checks the unit as well). */
export function grantableRolesOf(session: SessionView): Role[] {
  const allowed = new Set(session.grants.flatMap((g) => grantableRoles(g.role)));
  return roles.filter((r) => allowed.has(r));
}

/** Roles that run campaigns: create them, issue and forward notices (the server's campaigns.manage). */
export const campaignManagerRoles: readonly Role[] = rolesHaving('campaigns.manage');

/** Roles that sign for notices their unit receives (notices.acknowledge): they have an inbox. */
export const acknowledgeRoles: readonly Role[] = rolesHaving('notices.acknowledge');

/** Roles that fill and submit their unit's forms (我的填报任务); a system administrator does not. */
export const submitterRoles: readonly Role[] = ['unit_admin', 'campaign_manager', 'contact'];

/** The units where the user holds one of `wanted` (each once, in the order of the grants). */
export function unitsWithRole(session: SessionView, wanted: readonly Role[]): { id: number; name: string }[] {
  const seen = new Map<number, string>();
  for (const grant of session.grants) {
    if (wanted.includes(grant.role) && !seen.has(grant.unitId)) seen.set(grant.unitId, grant.unitName);
  }
  return [...seen].map(([id, name]) => ({ id, name }));
}
