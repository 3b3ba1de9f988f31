import { sql } from 'kysely';
import { can, type Actor } from '../../../shared/domain/access';
import { onlinePlacePattern } from '../../../shared/domain/activity-format';
import { unitTypeLabels } from '../../../shared/i18n/messages';
import type { Db } from '../../db/database';
import { forbidden, notFound } from '../../errors';
import { loadReadableCampaign } from '../campaigns/service';
import { loadVisibleUnit } from '../units/service';

/** Activities counted: the campaign's, submitted (not drafts, not withdrawn), within the viewer's unit. */
const submittedStatuses = ['submitted', 'returned', 'accepted'] as const;

async function scope(db: Db, actor: Actor, campaignId: number, unitId: number | undefined) {
  const campaign = await loadReadableCampaign(db, actor, campaignId);
  const ownUnit = actor.grants.find((g) => g.unitPath.startsWith(campaign.unit_path))?.unitId ?? actor.unitId;
  const unit = await loadVisibleUnit(db, actor, unitId ?? ownUnit);
  // Statistics show contacts' work, not personal data, to anyone who may see the unit and the campaign.
  if (!can(actor, 'units.view', unit.path)) throw forbidden();
  if (!unit.path.startsWith(campaign.unit_path) && !campaign.unit_path.startsWith(unit.path)) throw notFound();
  return { campaign, unit };
}

function activitiesIn(db: Db, campaignId: number, unitPath: string) {
  return db
    .selectFrom('activities as a')
    .innerJoin('submissions as s', 's.id', 'a.submission_id')
    .innerJoin('units as u', 'u.id', 'a.unit_id')
    .where('a.campaign_id', '=', campaignId)
    .where('a.withdrawn', '=', false)
    .where('s.status', 'in', submittedStatuses)
    .where('u.path', 'like', `${unitPath}%`);
}

export async function campaignStatistics(db: Db, actor: Actor, campaignId: number, unitId?: number) {
  const { campaign, unit } = await scope(db, actor, campaignId, unitId);
  const base = () => activitiesIn(db, campaign.id, unit.path);
  const [totals, modules, phases, groups, types, online, timeliness, regions, ownLevel] = await Promise.all([
    base().select([sql<number>`count(*)::int`.as('activities'), sql<number>`count(distinct a.unit_id)::int`.as('units'), sql<number>`coalesce(sum(a.scale), 0)::int`.as('scale')]).executeTakeFirstOrThrow(),
    base().select([sql<string>`unnest(a.modules)`.as('key')]).execute(),
    base().select(['a.phase_id as key', sql<number>`count(*)::int`.as('count')]).groupBy('a.phase_id').execute(),
    base().select([sql<string>`unnest(a.target_groups)`.as('key')]).execute(),
    base().select(['u.type as key', sql<number>`count(*)::int`.as('count')]).groupBy('u.type').execute(),
    base().select([sql<string>`case when coalesce(a.place, '') ~ ${onlinePlacePattern} then 'online' else 'offline' end`.as('key'), sql<number>`count(*)::int`.as('count')]).groupBy(sql`1`).execute(),
    db
      .selectFrom('submissions as s')
      .innerJoin('collection_tasks as t', 't.id', 's.task_id')
      .innerJoin('notices as n', 'n.id', 't.notice_id')
      .innerJoin('units as u', 'u.id', 's.unit_id')
      .select([sql<string>`case when s.late_hours > 0 then 'late' else 'on_time' end`.as('key'), sql<number>`count(*)::int`.as('count')])
      .where('n.campaign_id', '=', campaign.id)
      .where('s.status', 'in', submittedStatuses)
      .where('u.path', 'like', `${unit.path}%`)
      .groupBy(sql`1`)
      .execute(),
    sql<{ id: number; short_name: string; count: number }>`
      select c.id, c.short_name, count(a.id)::int as count
      from units c
      join units u on u.path like c.path || '%'
      join activities a on a.unit_id = u.id and a.campaign_id = ${campaign.id} and not a.withdrawn
      join submissions s on s.id = a.submission_id and s.status in ('submitted', 'returned', 'accepted')
      where c.parent_id = ${unit.id}
      group by c.id, c.short_name
      order by count desc`.execute(db),
    base().select(sql<number>`count(*)::int`.as('n')).where('a.unit_id', '=', unit.id).executeTakeFirstOrThrow(),
  ]);
  const tally = (keys: { key: string }[]) => {
    const counts = new Map<string, number>();
    for (const k of keys) counts.set(k.key, (counts.get(k.key) ?? 0) + 1);
    return counts;
  };
  const moduleCounts = tally(modules);
  const groupCounts = tally(groups);
  const byRegion = regions.rows.map((c) => ({ unitId: c.id, key: String(c.id), label: c.short_name, count: c.count }));
  if (ownLevel.n > 0) byRegion.push({ unitId: unit.id, key: String(unit.id), label: `${unit.short_name}（本级）`, count: ownLevel.n });
  return {
    campaignId: campaign.id,
    unitId: unit.id,
    unitName: unit.short_name,
    activities: totals.activities,
    units: totals.units,
    byModule: campaign.modules.map((m) => ({ key: m.id, label: m.name, count: moduleCounts.get(m.id) ?? 0 })),
    byPhase: campaign.phases.map((p) => ({ key: p.id, label: p.name, count: phases.find((x) => x.key === p.id)?.count ?? 0 })),
    byRegion,
    byTargetGroup: campaign.target_groups.map((g) => ({ key: g.id, label: g.name, count: groupCounts.get(g.id) ?? 0 })),
    byUnitType: types.map((t) => ({ key: t.key, label: unitTypeLabels['zh-CN'][t.key] ?? t.key, count: t.count })).sort((a, b) => b.count - a.count),
    scale: { expected: totals.scale, reported: null },
    onlineOffline: ['online', 'offline'].map((key) => ({ key, label: key === 'online' ? '线上' : '线下', count: online.find((o) => o.key === key)?.count ?? 0 })),
    timeliness: ['on_time', 'late'].map((key) => ({ key, label: key === 'late' ? '逾期报送' : '按时报送', count: timeliness.find((o) => o.key === key)?.count ?? 0 })),
  };
}

/** The one-page overview for leaders (领导驾驶舱). */
export async function campaignOverview(db: Db, actor: Actor, campaignId: number, unitId?: number) {
  const stats = await campaignStatistics(db, actor, campaignId, unitId);
  const { campaign, unit } = await scope(db, actor, campaignId, unitId);
  const owed = await sql<{ owed: number; submitted: number }>`
    select count(*)::int as owed,
           count(*) filter (where s.status in ('submitted', 'returned', 'accepted'))::int as submitted
    from collection_tasks t
    join notices n on n.id = t.notice_id and n.status = 'issued' and n.campaign_id = ${campaign.id}
    join notice_recipients r on r.notice_id = n.id
    join units u on u.id = r.unit_id and u.path like ${`${unit.path}%`}
    left join submissions s on s.task_id = t.id and s.unit_id = r.unit_id
    where t.assignee_unit_ids is null or r.unit_id = any(t.assignee_unit_ids)`.execute(db);
  const latest = await activitiesIn(db, campaign.id, unit.path)
    .select(['a.id', 'a.title', 'u.short_name', 'a.modules', 'a.start_date'])
    .orderBy('a.updated_at', 'desc')
    .limit(8)
    .execute();
  const completion = owed.rows[0] ?? { owed: 0, submitted: 0 };
  return {
    campaignId: campaign.id,
    unitName: unit.short_name,
    theme: campaign.theme,
    activities: stats.activities,
    units: stats.units,
    expectedParticipants: stats.scale.expected,
    completion: { ...completion, rate: completion.owed === 0 ? 0 : Math.round((completion.submitted / completion.owed) * 1000) / 10 },
    topRegions: stats.byRegion.slice(0, 5).map((r) => ({ unitId: r.unitId, label: r.label, count: r.count })),
    latest: latest.map((a) => ({ id: a.id, title: a.title, unitName: a.short_name, modules: a.modules.map((m) => campaign.modules.find((x) => x.id === m)?.name ?? m), startDate: a.start_date })),
  };
}
