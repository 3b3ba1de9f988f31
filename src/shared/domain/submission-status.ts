/**
 * The life of a submission: a unit drafts (autosaved), submits; the collector returns it with
 * comments or accepts it; a returned submission is fixed and submitted again.
 */
export const submissionStatuses = ['draft', 'submitted', 'returned', 'accepted'] as const;
export type SubmissionStatus = (typeof submissionStatuses)[number];
export type SubmissionAction = 'save' | 'submit' | 'return' | 'accept';

const transitions: Record<SubmissionAction, { from: readonly SubmissionStatus[]; to: SubmissionStatus | null }> = {
  // Saving keeps the status (a draft stays a draft, a returned submission stays returned until resubmitted).
  save: { from: ['draft', 'returned'], to: null },
  submit: { from: ['draft', 'returned'], to: 'submitted' },
  return: { from: ['submitted'], to: 'returned' },
  accept: { from: ['submitted'], to: 'accepted' },
};

/** The status after `action`, or null when the action is not allowed from `status`. */
export function nextStatus(status: SubmissionStatus, action: SubmissionAction): SubmissionStatus | null {
  const rule = transitions[action];
  if (!rule.from.includes(status)) return null;
  return rule.to ?? status;
}
