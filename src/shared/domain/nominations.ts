import type { ValidationCode } from '../i18n/messages';
import { countWords } from './word-count';

/**
 * 最美科技工作者 nominations (推荐人选): the rules a nomination meets before it can be submitted.
 * Pure, shared by the server (which decides) and the browser (which shows the count live).
 */

/** 主要事迹 is limited as real 推荐表 limit it: 1,500 字, counted as Word counts. */
export const achievementsWordLimit = 1500;
export const achievementsMinWords = 50;

export interface NominationPerson {
  personName: string;
  gender: 'male' | 'female';
  birthYear: number;
  workUnit: string;
  discipline: string;
  jobTitle: string;
  achievements: string;
  photoFileId: string | null;
}

export interface FieldProblem {
  field: string;
  code: ValidationCode;
  params?: Record<string, string | number>;
}

/** What stops a nomination from being submitted (a draft may be saved incomplete). */
export function nominationProblems(person: NominationPerson, currentYear: number): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const words = countWords(person.achievements);
  if (words > achievementsWordLimit) problems.push({ field: 'achievements', code: 'too_many_words', params: { max: achievementsWordLimit, count: words } });
  if (words < achievementsMinWords) problems.push({ field: 'achievements', code: 'too_short', params: { min: achievementsMinWords, count: words } });
  // A 科技工作者 nominated for an award is an adult in working life (or a retired one still active).
  if (person.birthYear > currentYear - 18 || person.birthYear < currentYear - 100) problems.push({ field: 'birthYear', code: 'invalid' });
  if (!person.photoFileId) problems.push({ field: 'photoFileId', code: 'required' });
  return problems;
}

/** Whether one more submitted nomination fits the quota (max per nominating unit). */
export function nominationQuotaLeft(max: number, submittedCount: number): number {
  return Math.max(0, max - submittedCount);
}
