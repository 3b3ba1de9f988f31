import { canSeePersonalData, type Actor } from '../../../shared/domain/access';
import type { UserView } from '../../../shared/contracts/users';
import { maskEmail, maskPhone } from '../../../shared/domain/masking';
import type { UserWithUnit } from './repository';

export function presentUser(user: UserWithUnit, actor: Actor): UserView {
  const show = canSeePersonalData(actor, user.unit_path);
  return {
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    unitId: user.unit_id,
    unitName: user.unit_name,
    email: user.email && !show ? maskEmail(user.email) : user.email,
    mobile: user.mobile && !show ? maskPhone(user.mobile) : user.mobile,
    status: user.status,
    lockedUntil: user.locked_until && user.locked_until > new Date() ? user.locked_until.toISOString() : null,
    totpEnabled: user.totp_enabled_at !== null,
    roles: user.roles,
    version: user.version,
    createdAt: user.created_at.toISOString(),
  };
}
