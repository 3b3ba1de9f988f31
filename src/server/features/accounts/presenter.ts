import type { SessionView } from '../../../shared/contracts/session';
import type { ResolvedSession } from './service';

export function presentSession(session: ResolvedSession, idleTimeoutMinutes: number): SessionView {
  return {
    user: {
      id: session.actor.userId,
      username: session.actor.username,
      displayName: session.displayName,
      unitId: session.actor.unitId,
      unitName: session.unitName,
      mustChangePassword: session.mustChangePassword,
      totpEnabled: session.totpEnabled,
      totpEnrolmentRequired: session.totpEnrolmentRequired,
    },
    grants: session.grants.map((g) => ({ role: g.role, unitId: g.unitId, unitName: g.unitName })),
    csrfToken: session.csrfToken,
    idleTimeoutMinutes,
  };
}
