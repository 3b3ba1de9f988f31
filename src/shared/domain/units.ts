/** Kinds of unit in the 科协 network; English names as in docs/glossary.md. */
export const unitTypes = [
  'regional_association', // 地方科协
  'learned_society', // 学会
  'society_branch', // 分支机构 / 地方学会
  'enterprise_association', // 企业科协
  'university_association', // 高校科协
  'research_institute', // 科研院所
  'science_popularization_base', // 科普教育基地
  'government_bureau', // 科技局 / 科技厅
  'internal_department', // 机关部室
  'affiliated_institution', // 直属单位
] as const;
export type UnitType = (typeof unitTypes)[number];

export const unitLevels = ['national', 'provincial', 'city', 'county'] as const;
export type UnitLevel = (typeof unitLevels)[number];

/** A region code of GB/T 2260: 2 digits (province), 4 (city) or 6 (county). */
export const regionCodePattern = /^\d{2}(\d{2}(\d{2})?)?$/;

export function levelOfRegionCode(code: string): UnitLevel {
  return code.length === 2 ? 'provincial' : code.length === 4 ? 'city' : 'county';
}

/** True when the unit at `path` lies in the subtree rooted at `ancestorPath` (itself included). */
export function isInSubtree(path: string, ancestorPath: string): boolean {
  return path.startsWith(ancestorPath);
}

/** Ids from a materialised path '/1/12/345/', root first. */
export function idsOnPath(path: string): number[] {
  return path
    .split('/')
    .filter((part) => part !== '')
    .map(Number);
}

/** Removes paths lying inside another path of the list: the smallest set covering the same subtrees. */
export function coveringPaths(paths: readonly string[]): string[] {
  const sorted = [...new Set(paths)].sort((a, b) => a.length - b.length);
  const result: string[] = [];
  for (const p of sorted) {
    if (!result.some((kept) => isInSubtree(p, kept))) result.push(p);
  }
  return result;
}

/** The conventional names of the 科协 of a region: 江苏省 → 江苏省科学技术协会 / 江苏省科协. */
export function regionalAssociationNames(regionName: string): { name: string; shortName: string } {
  return { name: `${regionName}科学技术协会`, shortName: `${regionName}科协` };
}
