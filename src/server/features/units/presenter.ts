import { can, canSeePersonalData, type Actor } from '../../../shared/domain/access';
import type { UnitDetail, UnitSummary } from '../../../shared/contracts/units';
import { maskAddress, maskEmail, maskPhone } from '../../../shared/domain/masking';
import type { UnitRow } from '../../db/schema';
import type { UnitWithCount } from './repository';

export function presentUnitSummary(unit: UnitWithCount): UnitSummary {
  return {
    id: unit.id,
    parentId: unit.parent_id,
    name: unit.name,
    shortName: unit.short_name,
    type: unit.type,
    level: unit.level,
    regionCode: unit.region_code,
    active: unit.active,
    childCount: unit.child_count,
  };
}

const masked = <T extends string | null>(value: T, mask: (v: string) => string, show: boolean) =>
  value === null || show ? value : mask(value);

/** Contact phones, e-mail and mailing address leave the server masked unless the viewer needs them. */
export function presentUnitDetail(unit: UnitWithCount, ancestors: UnitRow[], actor: Actor): UnitDetail {
  const show = canSeePersonalData(actor, unit.path);
  return {
    ...presentUnitSummary(unit),
    tags: unit.tags,
    contact: {
      name: unit.contact_name,
      officePhone: masked(unit.contact_office_phone, maskPhone, show),
      mobile: masked(unit.contact_mobile, maskPhone, show),
      fax: masked(unit.contact_fax, maskPhone, show),
      email: masked(unit.contact_email, maskEmail, show),
    },
    mailingAddress: masked(unit.mailing_address, maskAddress, show),
    personalDataMasked: !show,
    ancestors: ancestors.map((a) => ({ id: a.id, shortName: a.short_name })),
    canEdit: can(actor, 'units.edit', unit.path),
    canRestructure: unit.parent_id !== null && can(actor, 'units.restructure', unit.path),
    version: unit.version,
    updatedAt: unit.updated_at.toISOString(),
  };
}
