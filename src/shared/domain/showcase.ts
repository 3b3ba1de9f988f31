import { can, isSystemAdmin, type Actor } from './access';

/**
 * Publishing activities on the public showcase (专题栏目). Nothing is public by default: a unit asks
 * for publication, its upper unit (a campaign manager above it) or a moderator configured for the
 * column approves (审核) or rejects; approval and withdrawal take effect at once.
 */
/** The highlight-activity report the seeds ask for after an activity: at most 1,000 字 (counted as Word does). */
export const finalReportWordLimit = 1000;

export const publicationStatuses = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type PublicationStatus = (typeof publicationStatuses)[number];
export type PublicationAction = 'request' | 'approve' | 'reject' | 'withdraw';

/**
 * The status after `action`, or null when the action is not allowed from `current` (null: never
 * requested). Asking again after a rejection or a withdrawal, or changing a pending or published
 * text, goes back to moderation: the public keeps nothing that was not approved.
 */
export function nextPublicationStatus(current: PublicationStatus | null, action: PublicationAction): PublicationStatus | null {
  switch (action) {
    case 'request':
      return 'pending';
    case 'approve':
      return current === 'pending' ? 'approved' : null;
    case 'reject':
      return current === 'pending' ? 'rejected' : null;
    case 'withdraw':
      return current === 'pending' || current === 'approved' ? 'withdrawn' : null;
  }
}

/** The path of a unit's parent ('/1/11/103/' → '/1/11/'), or null for a root. */
export function parentPathOf(path: string): string | null {
  const ids = path.split('/').filter(Boolean);
  return ids.length < 2 ? null : `/${ids.slice(0, -1).join('/')}/`;
}

/** The unit's own people (and those above it) who fill in and submit may ask to publish. */
export function mayRequestPublication(actor: Actor, unitPath: string): boolean {
  return can(actor, 'notices.acknowledge', unitPath);
}

/**
 * Who moderates a publication of the unit at `unitPath`: a campaign manager of its upper unit
 * (or above), a campaign manager of a moderator unit configured for the column, or a system
 * administrator. A unit never approves its own.
 */
export function mayModerate(actor: Actor, unitPath: string, moderatorUnitPaths: readonly string[]): boolean {
  if (isSystemAdmin(actor)) return true;
  const parent = parentPathOf(unitPath);
  if (parent && can(actor, 'campaigns.manage', parent)) return true;
  return moderatorUnitPaths.some((path) => can(actor, 'campaigns.manage', path));
}

/** The phase whose dates contain `today` (YYYY-MM-DD, China time), or null between and outside phases. */
export function currentPhaseId(phases: readonly { id: string; startDate: string; endDate: string }[], today: string): string | null {
  return phases.find((p) => p.startDate <= today && today <= p.endDate)?.id ?? null;
}

/** Links a publication may carry: only http(s), so nothing runs script when a visitor taps it. */
export function isSafePublicUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}
