/**
 * A campaign's default structure, as the seeds set it: five modules, three phases around 30 May,
 * four target groups. Ids are stable so forms and activities keep pointing at a module when it is
 * renamed (表彰发布 → 表彰宣传).
 */
export interface NamedItem {
  id: string;
  name: string;
}
export interface Phase extends NamedItem {
  startDate: string;
  endDate: string;
}

/** The first National S&T Workers Day was 30 May 2017. */
export const firstFestivalYear = 2017;

export function ordinalOfYear(year: number): number {
  return year - firstFestivalYear + 1;
}

export const defaultModules: NamedItem[] = [
  { id: 'unite', name: '团结引领' },
  { id: 'home', name: '建家办事' },
  { id: 'serve', name: '为民服务' },
  { id: 'open', name: '开放合作' },
  { id: 'honour', name: '表彰发布' },
];

export const defaultTargetGroups: NamedItem[] = [
  { id: 'cadres', name: '科协系统干部' },
  { id: 'workers', name: '科技工作者' },
  { id: 'overseas', name: '海外同行' },
  { id: 'public', name: '社会公众' },
];

export function defaultPhases(year: number): Phase[] {
  return [
    { id: 'p1', name: '第一阶段', startDate: `${year}-05-10`, endDate: `${year}-05-25` },
    { id: 'p2', name: '第二阶段', startDate: `${year}-05-26`, endDate: `${year}-06-05` },
    { id: 'p3', name: '第三阶段', startDate: `${year}-06-06`, endDate: `${year}-06-30` },
  ];
}

/** Moves an ISO date by whole years, keeping month and day (29 Feb becomes 28 Feb). */
export function shiftYear(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = y + years;
  const lastDay = new Date(Date.UTC(target, m, 0)).getUTCDate();
  return `${target}-${String(m).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

export type PhaseProblem = { index: number; problem: 'end_before_start' | 'outside_parent' | 'overlaps_previous' };

/**
 * Checks phases: each ends on or after it starts, does not overlap the previous one, and — for a
 * campaign derived from an upper level's — lies within the upper campaign's phase of the same id
 * (a province may narrow dates, not widen them).
 */
export function checkPhases(phases: readonly Phase[], parentPhases?: readonly Phase[]): PhaseProblem[] {
  const problems: PhaseProblem[] = [];
  phases.forEach((phase, index) => {
    if (phase.endDate < phase.startDate) problems.push({ index, problem: 'end_before_start' });
    const previous = phases[index - 1];
    if (previous && phase.startDate <= previous.endDate) problems.push({ index, problem: 'overlaps_previous' });
    const parent = parentPhases?.find((p) => p.id === phase.id);
    if (parentPhases && (!parent || phase.startDate < parent.startDate || phase.endDate > parent.endDate)) {
      problems.push({ index, problem: 'outside_parent' });
    }
  });
  return problems;
}
