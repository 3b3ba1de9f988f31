import { can, type Actor } from '../../../shared/domain/access';
import type { CampaignActivityView, CampaignView } from '../../../shared/contracts/campaigns';
import type { Selectable } from 'kysely';
import type { CampaignActivitiesTable } from '../../db/schema';
import type { CampaignRow } from './repository';

export function campaignTitle(c: Pick<CampaignRow, 'year' | 'unit_name'>): string {
  return `${c.unit_name}${c.year}年“全国科技工作者日”活动`;
}

export function presentCampaign(c: CampaignRow, actor: Actor, parent?: CampaignRow): CampaignView {
  return {
    id: c.id,
    unitId: c.unit_id,
    unitName: c.unit_name,
    year: c.year,
    ordinal: c.ordinal,
    theme: c.theme,
    modules: c.modules,
    phases: c.phases,
    targetGroups: c.target_groups,
    keyDates: c.key_dates,
    parentCampaign: parent ? { id: parent.id, unitName: parent.unit_name, theme: parent.theme } : null,
    canManage: can(actor, 'campaigns.manage', c.unit_path),
    version: c.version,
  };
}

export function presentActivity(
  a: Selectable<CampaignActivitiesTable>,
  campaign: CampaignRow,
  departments: { activity_id: number; id: number; short_name: string; path: string }[],
  actor: Actor,
): CampaignActivityView {
  const own = departments.filter((d) => d.activity_id === a.id);
  return {
    id: a.id,
    campaignId: a.campaign_id,
    campaignTitle: campaignTitle(campaign),
    title: a.title,
    moduleId: a.module_id,
    moduleName: campaign.modules.find((m) => m.id === a.module_id)?.name ?? a.module_id,
    startDate: a.start_date,
    endDate: a.end_date,
    place: a.place,
    description: a.description,
    status: a.status,
    departments: own.map((d) => ({ id: d.id, shortName: d.short_name })),
    canEdit: can(actor, 'campaigns.manage', campaign.unit_path) || own.some((d) => can(actor, 'units.view', d.path)),
    version: a.version,
  };
}
