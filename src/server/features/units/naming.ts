import { pinyin } from 'pinyin-pro';
import { unitTypes, type UnitType } from '../../../shared/domain/units';

/** Initials of the short and full names ('jsskx jsskxjsxh'), so 'nj' finds 南京市科协. */
export function pinyinInitialsOf(shortName: string, name: string): string {
  const initials = (text: string) =>
    pinyin(text, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' })
      .join('')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '');
  return `${initials(shortName)} ${initials(name)}`;
}

/** Children sort regional associations by region code first, then other units by type and name. */
export function sortKeyOf(type: UnitType, regionCode: string | null, shortName: string): string {
  if (type === 'regional_association' && regionCode) return `0${regionCode.padEnd(6, '0')}`;
  const typeRank = String(unitTypes.indexOf(type)).padStart(2, '0');
  return `1${typeRank}${pinyinInitialsOf(shortName, shortName).split(' ')[0]}`;
}
