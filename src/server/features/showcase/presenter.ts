import type { Actor } from '../../../shared/domain/access';
import type { PublicActivityCard, PublicActivityView, PublicationView, PublicColumnView } from '../../../shared/contracts/showcase';
import type { CampaignModule, CampaignPhase } from '../../db/schema';
import { mayRequestPublication } from '../../../shared/domain/showcase';
import { currentPhaseId } from '../../../shared/domain/showcase';
import { shownScale } from '../../../shared/domain/signups';
import { activityFormatOf } from '../../../shared/domain/activity-format';
import { srcsets } from './photo-variants';
import type { PublicationDetailRow, PublishedCardRow } from './repository';

/**
 * What leaves the server. Public views are built field by field from the activity record and the
 * approved publication: never a unit's contacts, addresses, the submission's values or who acted.
 */
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const photoUrl = (fileId: string) => `/api/v1/public/showcase/photos/${fileId}`;

export function presentPublication(
  row: PublicationDetailRow,
  photos: { publication_id: number; file_id: string; caption: string | null; original_name: string }[],
  actor: Actor,
  moderates: boolean,
): PublicationView {
  return {
    id: row.id,
    activityId: row.activity_id,
    campaignId: row.campaign_id,
    unitId: row.unit_id,
    unitName: row.unit_name,
    title: row.title,
    status: row.status,
    description: row.description,
    photos: photos.filter((p) => p.publication_id === row.id).map((p) => ({ fileId: p.file_id, name: p.original_name, caption: p.caption })),
    mediaLinks: row.media_links,
    finalReport: row.final_report,
    requestedAt: row.requested_at.toISOString(),
    decidedAt: iso(row.decided_at),
    decisionNote: row.decision_note,
    publishedAt: iso(row.published_at),
    withdrawnAt: iso(row.withdrawn_at),
    withdrawReason: row.withdraw_reason,
    mayModerate: moderates,
    mayRequest: mayRequestPublication(actor, row.unit_path),
    version: row.version,
  };
}

const named = (items: readonly { id: string; name: string }[], id: string | null) => {
  const found = id ? items.find((i) => i.id === id) : undefined;
  return found ? { id: found.id, name: found.name } : null;
};

function excerpt(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return Array.from(flat).length > max ? `${Array.from(flat).slice(0, max).join('')}…` : flat;
}

export function presentCard(row: PublishedCardRow, modules: readonly CampaignModule[], phases: readonly CampaignPhase[]): PublicActivityCard {
  return {
    id: row.id,
    title: row.title,
    unitName: row.unit_name,
    modules: row.modules.flatMap((m) => named(modules, m) ?? []),
    phase: named(phases, row.phase_id),
    startDate: row.start_date,
    endDate: row.end_date,
    place: row.place,
    format: activityFormatOf(row.place),
    excerpt: excerpt(row.description),
    photo: row.photo ? photoUrl(row.photo) : null,
    photoSrcset: row.photo ? srcsets(photoUrl(row.photo)) : null,
    publishedAt: (row.published_at ?? new Date(0)).toISOString(),
  };
}

export function presentColumn(data: {
  column: { unit_id: number; unit_name: string; year: number; ordinal: number | null; theme: string; modules: CampaignModule[]; phases: CampaignPhase[] };
  figures: { activities: string; units: string; participants: string };
  byPhase: { phase_id: string | null; count: string }[];
  latest: PublishedCardRow[];
  featured: (PublishedCardRow & { award: string | null; recommended: boolean })[];
  commendations: { round_id: number; round_title: string; category_id: number; category_name: string; kind: string; activity_id: number | null; activity_title: string | null; unit_name: string }[];
  galleries: { id: number; title: string; persons: string }[];
  articles: PublicColumnView['articles'];
  years: number[];
  today: string;
}): PublicColumnView {
  const { column } = data;
  const current = currentPhaseId(column.phases, data.today);
  return {
    unitId: column.unit_id,
    unitName: column.unit_name,
    year: column.year,
    ordinal: column.ordinal,
    theme: column.theme,
    modules: column.modules.map((m) => ({ id: m.id, name: m.name })),
    phases: column.phases.map((p) => ({
      id: p.id,
      name: p.name,
      startDate: p.startDate,
      endDate: p.endDate,
      current: p.id === current,
      activities: Number(data.byPhase.find((b) => b.phase_id === p.id)?.count ?? 0),
    })),
    figures: { activities: Number(data.figures.activities), units: Number(data.figures.units), participants: Number(data.figures.participants) },
    latest: data.latest.map((row) => presentCard(row, column.modules, column.phases)),
    featured: data.featured.map((row) => ({ ...presentCard(row, column.modules, column.phases), badge: row.award ? ('awarded' as const) : ('recommended' as const), award: row.award })),
    commendations: groupCommendations(data.commendations),
    galleries: data.galleries.map((g) => ({ roundId: g.id, title: g.title, persons: Number(g.persons) })),
    articles: data.articles,
    years: data.years,
  };
}

export function presentPublicActivity(
  row: {
    id: number;
    title: string;
    host: string | null;
    organiser: string | null;
    modules: string[];
    phase_id: string | null;
    start_date: string | null;
    end_date: string | null;
    place: string | null;
    scale: number | null;
    description: string;
    media_links: PublicActivityView['mediaLinks'];
    final_report: string | null;
    published_at: Date | null;
    unit_name: string;
    column_unit_id: number;
    column_unit_name: string;
    year: number;
    theme: string;
    campaign_modules: CampaignModule[];
    campaign_phases: CampaignPhase[];
  },
  photos: { file_id: string; caption: string | null }[],
  signup: { info: PublicActivityView['signup']; checkedIn: number },
): PublicActivityView {
  return {
    id: row.id,
    title: row.title,
    unitName: row.unit_name,
    host: row.host,
    organiser: row.organiser,
    modules: row.modules.flatMap((m) => named(row.campaign_modules, m) ?? []),
    phase: named(row.campaign_phases, row.phase_id),
    startDate: row.start_date,
    endDate: row.end_date,
    place: row.place,
    description: row.description,
    photos: photos.map((p) => ({ url: photoUrl(p.file_id), caption: p.caption, srcset: srcsets(photoUrl(p.file_id)) })),
    mediaLinks: row.media_links.map((l) => ({ kind: l.kind, title: l.title, url: l.url })),
    finalReport: row.final_report,
    scale: shownScale(row.scale, signup.checkedIn),
    signup: signup.info,
    publishedAt: (row.published_at ?? new Date(0)).toISOString(),
    column: { unitId: row.column_unit_id, unitName: row.column_unit_name, year: row.year, theme: row.theme },
  };
}

function groupCommendations(rows: { round_id: number; round_title: string; category_id: number; category_name: string; kind: string; activity_id: number | null; activity_title: string | null; unit_name: string }[]): PublicColumnView['commendations'] {
  const rounds: (PublicColumnView['commendations'][number] & { id: number })[] = [];
  for (const row of rows) {
    let round = rounds.find((r) => r.id === row.round_id);
    if (!round) rounds.push((round = { id: row.round_id, round: row.round_title, categories: [] }));
    let category = round.categories.find((c) => c.name === row.category_name);
    if (!category) round.categories.push((category = { name: row.category_name, kind: row.kind === 'unit' ? 'unit' : 'activity', winners: [] }));
    category.winners.push({ activityId: row.activity_id, title: row.activity_title, unitName: row.unit_name });
  }
  return rounds.map(({ id: _id, ...rest }) => rest);
}
