import { can, type Actor } from './access';

/**
 * Public contributions (作品征集): what a call accepts, when it takes submissions, who moderates,
 * and the consent the submitter gives. Pure: used by the server and the public page alike.
 */
export const contributionKinds = ['video', 'photo', 'letter'] as const;
export type ContributionKind = (typeof contributionKinds)[number];

export const contributionStatuses = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type ContributionStatus = (typeof contributionStatuses)[number];

/** File kinds (by content) accepted per kind of work. */
export const fileKindsOf = { video: ['mp4'], photo: ['jpg', 'png'] } as const;

/** Hard caps a call's own limits may not exceed: photos are served to phones, videos stream. */
export const sizeCaps = { videoMaxBytes: 200 * 1024 * 1024, photoMaxBytes: 5 * 1024 * 1024 } as const;

/**
 * The consent shown on the public page and stored with each work (PIPL: purpose, scope, retention,
 * withdrawal). `{organiser}` is the issuing unit.
 */
export const consentTemplate =
  '我同意{organiser}在全国科技工作者日专题栏目公开展示我提交的作品，并署名我填写的姓名和单位。' +
  '我填写的电子邮箱仅用于通知审核结果，不会公开，也不会用于其他用途；作品审核结束后一年内删除邮箱。' +
  '我确认作品为本人创作，不含他人个人信息；作品公开后，我可通过该邮箱来信要求撤下。';

export function consentText(organiser: string): string {
  return consentTemplate.replace('{organiser}', organiser);
}

/** A published call takes submissions from `opensAt` (inclusive) to `closesAt` (exclusive). */
export function callTakesSubmissions(call: { status: string; opens_at: Date; closes_at: Date }, now: Date): boolean {
  return call.status === 'published' && call.opens_at.getTime() <= now.getTime() && now.getTime() < call.closes_at.getTime();
}

export function kindsAccepted(call: { accepts_video: boolean; accepts_photo: boolean; accepts_letter: boolean }): ContributionKind[] {
  return contributionKinds.filter((k) => (k === 'video' ? call.accepts_video : k === 'photo' ? call.accepts_photo : call.accepts_letter));
}

/**
 * Who moderates works sent to a column: its moderator units' campaign managers and the issuing
 * unit's or those above (no unit's own work is at stake: the works come from the public). A system
 * administrator does so within its subtree, like everything else it does (the access matrix).
 */
export function mayModerateContribution(actor: Actor, columnUnitPath: string, moderatorUnitPaths: readonly string[]): boolean {
  if (can(actor, 'campaigns.manage', columnUnitPath)) return true;
  return moderatorUnitPaths.some((path) => can(actor, 'campaigns.manage', path));
}

/** Who may see a contributor's e-mail address in full: those who manage the call (they answer them). */
export function mayReadContributorEmail(actor: Actor, columnUnitPath: string): boolean {
  return can(actor, 'campaigns.manage', columnUnitPath);
}
