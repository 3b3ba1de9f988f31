import type { UnitLevel, UnitType } from './units';

/**
 * How notices name their addressees (主送机关), as the seeds write them: by kind of unit below the
 * issuer (各市科协、各省级学会、机关各部室), by tag (各高新区科协), or by an explicit list.
 */
export type AddresseeRule =
  | { kind: 'units_of_type'; unitType: UnitType; level?: UnitLevel | undefined; scope: 'children' | 'subtree' }
  | { kind: 'tag'; tag: string }
  | { kind: 'units'; unitIds: number[] };

const levelWord: Record<UnitLevel, string> = { national: '全国', provincial: '省级', city: '市级', county: '县级' };

const regionalByLevel: Record<UnitLevel, string> = {
  national: '中国科协',
  provincial: '各省（自治区、直辖市）科协',
  city: '各市科协',
  county: '各县（市、区）科协',
};

/** The conventional phrase for one rule, as an issuer at `issuerLevel` would write it. */
export function addresseePhrase(rule: AddresseeRule, issuerLevel: UnitLevel, unitNames: (ids: number[]) => string[] = () => []): string {
  switch (rule.kind) {
    case 'tag':
      return `各${rule.tag}科协`;
    case 'units':
      return unitNames(rule.unitIds).join('，');
    case 'units_of_type': {
      const level = rule.level;
      switch (rule.unitType) {
        case 'regional_association':
          return level ? regionalByLevel[level] : '各科协';
        case 'learned_society':
          return `各${levelWord[level ?? issuerLevel]}学会`;
        case 'society_branch':
          return '各分支机构';
        case 'enterprise_association':
          return '各企业科协';
        case 'university_association':
          return '各高校科协';
        case 'research_institute':
          return '各科研院所';
        case 'science_popularization_base':
          return '各科普教育基地';
        case 'government_bureau':
          return '各科技管理部门';
        case 'internal_department':
          return '机关各部室';
        case 'affiliated_institution':
          return '各直属单位';
      }
    }
  }
}

/** The addressee line: phrases joined by full-width commas, duplicates dropped. */
export function composeAddresseeText(phrases: readonly string[]): string {
  return [...new Set(phrases.filter((p) => p.trim() !== ''))].join('，');
}
