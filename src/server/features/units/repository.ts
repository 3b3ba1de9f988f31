import { sql, type ExpressionBuilder } from 'kysely';
import type { DbOrTx } from '../../db/database';
import type { Database, NewUnitRow, UnitRow } from '../../db/schema';
import { openRow, sealRow } from '../../crypto/personal-data';

// Contact phones, e-mail and address are sealed at rest: every row leaves this file opened and
// every write enters it sealed (crypto/personal-data.ts).
const open = <R extends object>(row: R) => openRow('units', row);

const childCount = (_eb: ExpressionBuilder<Database, 'units'>, includeInactive: boolean) =>
  sql<number>`(select count(*)::int from units c where c.parent_id = units.id ${includeInactive ? sql`` : sql`and c.active`})`.as(
    'child_count',
  );

export type UnitWithCount = UnitRow & { child_count: number };

export async function findUnit(db: DbOrTx, id: number): Promise<UnitWithCount | undefined> {
  return db
    .selectFrom('units')
    .selectAll('units')
    .select((eb) => childCount(eb, false))
    .where('units.id', '=', id)
    .executeTakeFirst()
    .then((row) => row && open(row));
}

export async function findUnitsByIds(db: DbOrTx, ids: number[]): Promise<UnitWithCount[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('units')
    .selectAll('units')
    .select((eb) => childCount(eb, false))
    .where('units.id', 'in', ids)
    .orderBy('units.depth')
    .orderBy('units.sort_key')
    .execute()
    .then((rows) => rows.map(open));
}

export async function findUnitsByPaths(db: DbOrTx, paths: string[]): Promise<UnitWithCount[]> {
  if (paths.length === 0) return [];
  return db
    .selectFrom('units')
    .selectAll('units')
    .select((eb) => childCount(eb, false))
    .where('units.path', 'in', paths)
    .orderBy('units.depth')
    .orderBy('units.sort_key')
    .execute()
    .then((rows) => rows.map(open));
}

export async function listChildren(db: DbOrTx, parentId: number, includeInactive: boolean): Promise<UnitWithCount[]> {
  let query = db
    .selectFrom('units')
    .selectAll('units')
    .select((eb) => childCount(eb, includeInactive))
    .where('units.parent_id', '=', parentId);
  if (!includeInactive) query = query.where('units.active', '=', true);
  return (await query.orderBy('units.sort_key').orderBy('units.name').execute()).map(open);
}

/** Units in the given subtrees matching a name, short name, pinyin initials or region code. */
export async function searchUnits(
  db: DbOrTx,
  options: { scopePaths: string[]; q: string; limit: number; includeInactive: boolean },
): Promise<UnitWithCount[]> {
  if (options.scopePaths.length === 0) return [];
  const q = options.q;
  const escaped = q.replace(/[%_\\]/g, (c) => `\\${c}`);
  const contains = `%${escaped}%`;
  const lower = escaped.toLowerCase();
  let query = db
    .selectFrom('units')
    .selectAll('units')
    .select((eb) => childCount(eb, options.includeInactive))
    .where((eb) => eb.or(options.scopePaths.map((p) => eb('units.path', 'like', `${p}%`))))
    .where((eb) =>
      eb.or([
        eb('units.name', 'like', contains),
        eb('units.short_name', 'like', contains),
        eb('units.pinyin_initials', 'like', `%${lower}%`),
        eb('units.region_code', 'like', `${escaped}%`),
      ]),
    );
  if (!options.includeInactive) query = query.where('units.active', '=', true);
  return (
    await query
      // Best matches first: exact names, then names starting with the query, then shallow units.
      .orderBy(
        sql`case when units.short_name = ${q} or units.name = ${q} then 0
                 when units.short_name like ${`${escaped}%`} or units.name like ${`${escaped}%`} then 1
                 when units.pinyin_initials like ${`${lower}%`} then 2 else 3 end`,
      )
      .orderBy('units.depth')
      .orderBy('units.sort_key')
      .limit(options.limit)
      .execute()
  ).map(open);
}

export async function insertUnit(db: DbOrTx, unit: NewUnitRow): Promise<UnitRow> {
  return open(await db.insertInto('units').values(sealRow('units', unit)).returningAll().executeTakeFirstOrThrow());
}

export async function insertUnits(db: DbOrTx, units: NewUnitRow[]): Promise<UnitRow[]> {
  if (units.length === 0) return [];
  const rows: UnitRow[] = [];
  // Batches keep each statement under PostgreSQL's 65,535 parameter limit.
  for (let i = 0; i < units.length; i += 1000) {
    const batch = units.slice(i, i + 1000).map((u) => sealRow('units', u));
    rows.push(...(await db.insertInto('units').values(batch).returningAll().execute()).map(open));
  }
  return rows;
}

export async function updateUnitRow(
  db: DbOrTx,
  id: number,
  expectedVersion: number,
  changes: Partial<Omit<NewUnitRow, 'parent_id' | 'path' | 'depth'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('units')
    .set({ ...sealRow('units', changes), updated_at: new Date(), version: sql`version + 1` })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Re-parents a unit and rewrites the paths and depths of its whole subtree. */
export async function moveSubtree(db: DbOrTx, unit: UnitRow, newParent: UnitRow): Promise<void> {
  const newPath = `${newParent.path}${unit.id}/`;
  const depthShift = newParent.depth + 1 - unit.depth;
  await db
    .updateTable('units')
    .set({
      path: sql`${newPath} || substr(path, ${unit.path.length + 1})`,
      depth: sql`depth + ${depthShift}`,
      updated_at: new Date(),
    })
    .where('path', 'like', `${unit.path}%`)
    .execute();
  await db
    .updateTable('units')
    .set({ parent_id: newParent.id, version: sql`version + 1` })
    .where('id', '=', unit.id)
    .execute();
}

export async function setSubtreeActive(db: DbOrTx, unit: UnitRow, active: boolean): Promise<number> {
  const result = await db
    .updateTable('units')
    .set({ active, updated_at: new Date(), version: sql`version + 1` })
    .where('path', 'like', `${unit.path}%`)
    .where('active', '=', !active)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function findRootUnit(db: DbOrTx): Promise<UnitRow | undefined> {
  const row = await db.selectFrom('units').selectAll().where('parent_id', 'is', null).orderBy('id').executeTakeFirst();
  return row && open(row);
}

export async function regionalUnitsByCode(db: DbOrTx): Promise<Map<string, UnitRow>> {
  const rows = await db
    .selectFrom('units')
    .selectAll()
    .where('type', '=', 'regional_association')
    .where('region_code', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.region_code!, open(r)]));
}

/** Units in the subtrees, for resolving names in a roster import. */
export async function unitsInSubtrees(db: DbOrTx, scopePaths: string[]): Promise<UnitRow[]> {
  if (scopePaths.length === 0) return [];
  return db
    .selectFrom('units')
    .selectAll()
    .where((eb) => eb.or(scopePaths.map((p) => eb('path', 'like', `${p}%`))))
    .execute()
    .then((rows) => rows.map(open));
}

export async function countUnits(db: DbOrTx): Promise<number> {
  const row = await db.selectFrom('units').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
