import { describe, expect, it } from 'vitest';
import { endOfChinaDay } from './deadlines';
import { completionStatus, defaultReminderSettings, dueReminder, reminderSchedule, rollUpCompletion, unitsWithinLevels } from './completion';

const none = { readAt: null, acknowledgedAt: null, forwardedAt: null, submissionStatus: null, lateHours: 0 };
const deadline = endOfChinaDay('2027-05-12');
const before = new Date('2027-05-01T00:00:00Z');
const after = new Date('2027-05-20T00:00:00Z');

describe('completionStatus', () => {
  it('follows a unit from unread to accepted', () => {
    expect(completionStatus(none, deadline, before)).toBe('not_read');
    expect(completionStatus({ ...none, readAt: before }, deadline, before)).toBe('read');
    expect(completionStatus({ ...none, readAt: before, acknowledgedAt: before }, deadline, before)).toBe('acknowledged');
    expect(completionStatus({ ...none, forwardedAt: before }, deadline, before)).toBe('forwarded');
    expect(completionStatus({ ...none, submissionStatus: 'draft' }, deadline, before)).toBe('draft');
    expect(completionStatus({ ...none, submissionStatus: 'submitted' }, deadline, before)).toBe('submitted_on_time');
    expect(completionStatus({ ...none, submissionStatus: 'submitted', lateHours: 5 }, deadline, after)).toBe('submitted_late');
    expect(completionStatus({ ...none, submissionStatus: 'returned' }, deadline, after)).toBe('returned');
    expect(completionStatus({ ...none, submissionStatus: 'accepted' }, deadline, after)).toBe('accepted');
  });
  it('calls anyone without a submission missing after the deadline', () => {
    expect(completionStatus({ ...none, submissionStatus: 'draft', readAt: before }, deadline, after)).toBe('missing');
  });
});

describe('rollUpCompletion', () => {
  it('rolls counts up the tree', () => {
    const { byUnit, total } = rollUpCompletion([
      { unitId: 10, parentUnitId: null, status: 'submitted_on_time' },
      { unitId: 11, parentUnitId: 10, status: 'missing' },
      { unitId: 12, parentUnitId: 10, status: 'submitted_late' },
      { unitId: 20, parentUnitId: null, status: 'missing' },
    ]);
    expect(byUnit.get(10)).toMatchObject({ units: 3, submitted: 2, missing: 1, submitted_on_time: 1, submitted_late: 1 });
    expect(total).toMatchObject({ units: 4, submitted: 2, missing: 2 });
  });
});

describe('unitsWithinLevels', () => {
  // Children listed before their parents on purpose: the order of rows must not matter.
  const tree = [
    { unitId: 111, parentUnitId: 11 },
    { unitId: 11, parentUnitId: 1 },
    { unitId: 1, parentUnitId: null },
    { unitId: 12, parentUnitId: 1 },
    { unitId: 2, parentUnitId: null },
    { unitId: 21, parentUnitId: 2 },
    { unitId: 9, parentUnitId: 99 },
  ];

  it('keeps the tops (and units hanging under a unit outside the tree) at depth 1', () => {
    expect([...unitsWithinLevels(tree, 1)].sort()).toEqual([1, 2, 9]);
    expect([...unitsWithinLevels(tree, 2)].sort((a, b) => a - b)).toEqual([1, 2, 9, 11, 12, 21]);
  });

  it('keeps a unit and its children, not its grandchildren nor other branches, under it', () => {
    expect([...unitsWithinLevels(tree, 1, 1)].sort((a, b) => a - b)).toEqual([1, 11, 12]);
    expect([...unitsWithinLevels(tree, 5, 11)].sort((a, b) => a - b)).toEqual([11, 111]);
  });

  it('keeps nothing under a unit not in the tree', () => {
    expect(unitsWithinLevels(tree, 3, 42).size).toBe(0);
  });
});

describe('automatic reminders', () => {
  it('schedules 3 and 1 days before at 10:00 China time, and the day after for the overdue notice', () => {
    expect(reminderSchedule(deadline, defaultReminderSettings).map((r) => [r.kind, r.at.toISOString()])).toEqual([
      ['before_3d', '2027-05-09T02:00:00.000Z'],
      ['before_1d', '2027-05-11T02:00:00.000Z'],
      ['overdue', '2027-05-13T02:00:00.000Z'],
    ]);
  });
  it('sends only the latest reminder that is due, never a "before" one after the deadline', () => {
    expect(dueReminder(deadline, defaultReminderSettings, new Date('2027-05-09T01:59:00Z'))).toBeNull();
    expect(dueReminder(deadline, defaultReminderSettings, new Date('2027-05-09T02:00:00Z'))).toBe('before_3d');
    expect(dueReminder(deadline, defaultReminderSettings, new Date('2027-05-11T09:00:00Z'))).toBe('before_1d');
    expect(dueReminder(deadline, defaultReminderSettings, new Date('2027-05-12T17:00:00Z'))).toBeNull();
    expect(dueReminder(deadline, defaultReminderSettings, new Date('2027-05-13T03:00:00Z'))).toBe('overdue');
    expect(dueReminder(deadline, { ...defaultReminderSettings, enabled: false }, new Date('2027-05-13T03:00:00Z'))).toBeNull();
  });
});
