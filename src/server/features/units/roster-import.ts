import { type z } from 'zod';
import { can, scopeOf, type Actor } from '../../../shared/domain/access';
import type { ImportReport } from '../../../shared/contracts/units';
import { emailText, phoneText } from '../../../shared/contracts/common';
import { regionCodePattern, unitLevels, unitTypes, type UnitLevel, type UnitType } from '../../../shared/domain/units';
import { unitLevelLabels, unitTypeLabels } from '../../../shared/i18n/messages';
import type { Db } from '../../db/database';
import type { UnitRow } from '../../db/schema';
import { AppError } from '../../errors';
import { actorFields, insertAuditEntry } from '../audit/repository';
import type { ClientInfo } from '../accounts/service';
import { pinyinInitialsOf, sortKeyOf } from './naming';
import * as repo from './repository';
import type { RosterRow } from './roster-file';
import { newUnitRow, translateUnitConflict } from './service';

const typeAliases: Record<string, UnitType> = {
  科协: 'regional_association', 地方科协: 'regional_association', 区域科协: 'regional_association',
  全国学会: 'learned_society', 省级学会: 'learned_society', 市级学会: 'learned_society', 县级学会: 'learned_society',
  地方学会: 'society_branch', 分支机构: 'society_branch', 学会分支机构: 'society_branch',
  科普基地: 'science_popularization_base', 科技局: 'government_bureau', 科技厅: 'government_bureau',
  政府部门: 'government_bureau', 机关部门: 'internal_department', 部室: 'internal_department', 科研院所: 'research_institute',
};
const levelAliases: Record<string, UnitLevel> = {
  国家级: 'national', 全国: 'national', 省: 'provincial', 省级: 'provincial', 市: 'city', 市级: 'city', 地市级: 'city',
  县: 'county', 县级: 'county', 区县级: 'county', 县区级: 'county',
};

function parseType(text: string): UnitType | undefined {
  if ((unitTypes as readonly string[]).includes(text)) return text as UnitType;
  for (const locale of ['zh-CN', 'en'] as const) {
    const hit = Object.entries(unitTypeLabels[locale]).find(([, label]) => label.toLowerCase() === text.toLowerCase());
    if (hit) return hit[0] as UnitType;
  }
  return typeAliases[text];
}

function parseLevel(text: string): UnitLevel | undefined {
  if ((unitLevels as readonly string[]).includes(text)) return text as UnitLevel;
  const hit = Object.entries(unitLevelLabels['zh-CN']).find(([, label]) => label === text);
  return hit ? (hit[0] as UnitLevel) : levelAliases[text];
}

const phone = phoneText;
const email = emailText;

interface PlannedRow {
  source: RosterRow;
  name: string;
  problems: string[];
  outcome: 'create' | 'update' | 'rejected';
  fields?: {
    shortName: string;
    type: UnitType;
    level: UnitLevel | undefined;
    regionCode: string | null;
    tags: string[];
    contactName: string | null;
    contactOfficePhone: string | null;
    contactMobile: string | null;
    contactFax: string | null;
    contactEmail: string | null;
    mailingAddress: string | null;
  };
  parentRef?: { existing: UnitRow } | { fileIndex: number };
  existing?: UnitRow;
}

/**
 * Imports a roster all or nothing: every row is checked first (fields, parent, duplicates, the
 * importer's scope); if any row is rejected nothing is written and the report says why for each.
 * A row naming a unit that already exists under the same parent updates its details.
 */
export async function importRoster(
  db: Db,
  options: { actor: Actor; rows: RosterRow[]; dryRun: boolean; client: ClientInfo },
): Promise<ImportReport> {
  const { actor, rows } = options;
  if (rows.length === 0) throw new AppError('import_empty', 422);
  const known = await repo.unitsInSubtrees(db, scopeOf(actor, 'units.view'));
  const byName = new Map<string, UnitRow[]>();
  for (const unit of known) {
    for (const key of new Set([unit.name, unit.short_name, unit.region_code ?? ''])) {
      if (key) byName.set(key, [...(byName.get(key) ?? []), unit]);
    }
  }
  const regional = new Map(known.filter((u) => u.type === 'regional_association' && u.region_code).map((u) => [u.region_code!, u]));

  const planned: PlannedRow[] = rows.map((source) => checkFields(source));
  // Names in the file, so that rows may name each other as parents.
  const fileByName = new Map<string, number[]>();
  planned.forEach((p, i) => {
    for (const key of new Set([p.name, p.fields?.shortName ?? ''])) {
      if (key) fileByName.set(key, [...(fileByName.get(key) ?? []), i]);
    }
  });

  const seenUnderParent = new Set<string>();
  planned.forEach((p, index) => {
    const parentText = p.source.values.parent?.trim() ?? '';
    if (!parentText) {
      p.problems.push('上级单位为必填项');
    } else {
      const inFile = (fileByName.get(parentText) ?? []).filter((i) => i !== index);
      const existing = byName.get(parentText) ?? [];
      if (inFile.length + existing.length === 0) p.problems.push(`找不到上级单位“${parentText}”（须为本单位或下级单位，或本文件中的单位）`);
      else if (inFile.length + existing.length > 1) p.problems.push(`上级单位“${parentText}”不唯一，请填写全称或行政区划代码`);
      else if (inFile.length === 1) p.parentRef = { fileIndex: inFile[0]! };
      else {
        const parent = existing[0]!;
        if (!can(actor, 'units.edit', parent.path)) p.problems.push(`无权在“${parent.short_name}”下添加单位`);
        else if (!parent.active) p.problems.push(`上级单位“${parent.short_name}”已停用`);
        else p.parentRef = { existing: parent };
      }
    }
    if (p.parentRef && p.fields) {
      const parentKey = 'existing' in p.parentRef ? `u${p.parentRef.existing.id}` : `f${p.parentRef.fileIndex}`;
      const key = `${parentKey}|${p.name}`;
      if (seenUnderParent.has(key)) p.problems.push(`文件中同一上级单位下重复出现“${p.name}”`);
      seenUnderParent.add(key);
      if ('existing' in p.parentRef) {
        const parentId = p.parentRef.existing.id;
        const existing = known.find((u) => u.parent_id === parentId && u.name === p.name);
        if (existing) {
          if (existing.type !== p.fields.type) p.problems.push('单位类型与系统中已有的同名单位不一致');
          else p.existing = existing;
        }
      }
      const code = p.fields.regionCode;
      if (code && p.fields.type === 'regional_association') {
        const holder = regional.get(code);
        if (holder && holder.id !== p.existing?.id) p.problems.push(`行政区划代码 ${code} 已对应“${holder.short_name}”`);
      }
    }
  });

  // Rows whose parent row is rejected, or that form a cycle, cannot be placed either.
  const order = orderParentsFirst(planned);
  for (const p of planned) p.outcome = p.problems.length > 0 ? 'rejected' : p.existing ? 'update' : 'create';

  const report: ImportReport = {
    applied: false,
    created: planned.filter((p) => p.outcome === 'create').length,
    updated: planned.filter((p) => p.outcome === 'update').length,
    rejected: planned.filter((p) => p.outcome === 'rejected').length,
    rows: planned.map((p) => ({ row: p.source.row, name: p.name, outcome: p.outcome, problems: p.problems })),
  };
  if (report.rejected > 0 || options.dryRun) {
    if (report.rejected > 0 && !options.dryRun) {
      await insertAuditEntry(db, {
        ...actorFields(actor),
        unitId: actor.unitId,
        action: 'unit.import',
        outcome: 'failure',
        ip: options.client.ip,
        details: { rows: rows.length, rejected: report.rejected },
      });
    }
    return report;
  }

  const createdIds: number[] = [];
  await db.transaction().execute(async (trx) => {
    const placed = new Map<number, UnitRow>();
    for (const index of order) {
      const p = planned[index]!;
      const f = p.fields!;
      const parent = 'existing' in p.parentRef! ? p.parentRef.existing : placed.get(p.parentRef!.fileIndex)!;
      if (p.existing) {
        const changes = {
          short_name: f.shortName,
          tags: f.tags.length > 0 ? f.tags : p.existing.tags,
          contact_name: f.contactName ?? p.existing.contact_name,
          contact_office_phone: f.contactOfficePhone ?? p.existing.contact_office_phone,
          contact_mobile: f.contactMobile ?? p.existing.contact_mobile,
          contact_fax: f.contactFax ?? p.existing.contact_fax,
          contact_email: f.contactEmail ?? p.existing.contact_email,
          mailing_address: f.mailingAddress ?? p.existing.mailing_address,
          pinyin_initials: pinyinInitialsOf(f.shortName, p.existing.name),
          sort_key: sortKeyOf(p.existing.type, p.existing.region_code, f.shortName),
        };
        await repo.updateUnitRow(trx, p.existing.id, p.existing.version, changes);
        placed.set(index, p.existing);
      } else {
        try {
          const unit = await repo.insertUnit(trx, newUnitRow({ name: p.name, ...f, level: f.level }, parent));
          placed.set(index, unit);
          createdIds.push(unit.id);
        } catch (error) {
          translateUnitConflict(error, { name: p.name, regionCode: f.regionCode });
        }
      }
    }
    await insertAuditEntry(trx, {
      ...actorFields(actor),
      unitId: actor.unitId,
      action: 'unit.import',
      ip: options.client.ip,
      details: {
        rows: rows.length,
        created: report.created,
        updated: report.updated,
        createdUnitIds: createdIds,
        updatedUnitIds: planned.filter((p) => p.existing).map((p) => p.existing!.id),
      },
    });
  });
  return { ...report, applied: true };
}

function checkFields(source: RosterRow): PlannedRow {
  const v = source.values;
  const problems: string[] = [];
  const name = v.name ?? '';
  if (!name) problems.push('单位全称为必填项');
  else if (name.length < 2 || name.length > 100) problems.push('单位全称应为 2–100 个字');
  const shortName = v.shortName ?? name;
  if (shortName.length < 2 || shortName.length > 50) problems.push('单位简称应为 2–50 个字');
  const type = v.type ? parseType(v.type) : undefined;
  if (!v.type) problems.push('单位类型为必填项');
  else if (!type) problems.push(`单位类型“${v.type}”无法识别（可填：${Object.values(unitTypeLabels['zh-CN']).join('、')}）`);
  const level = v.level ? parseLevel(v.level) : undefined;
  if (v.level && !level) problems.push(`级别“${v.level}”无法识别（可填：全国、省级、市级、县级）`);
  const regionCode = v.regionCode ?? null;
  if (regionCode && !regionCodePattern.test(regionCode)) problems.push(`行政区划代码“${regionCode}”格式不正确（2、4 或 6 位数字）`);
  const check = (schema: z.ZodType, value: string | undefined, label: string) => {
    if (value === undefined) return null;
    const result = schema.safeParse(value);
    if (!result.success) {
      problems.push(`${label}“${value}”格式不正确`);
      return null;
    }
    return (result.data as string | null) ?? null;
  };
  const fields = {
    shortName,
    type: type ?? 'regional_association',
    level,
    regionCode,
    tags: (v.tags ?? '').split(/[,，;；、\s]+/).filter(Boolean).slice(0, 20),
    contactName: v.contactName?.slice(0, 50) ?? null,
    contactOfficePhone: check(phone, v.contactOfficePhone, '办公电话'),
    contactMobile: check(phone, v.contactMobile, '手机'),
    contactFax: check(phone, v.contactFax, '传真'),
    contactEmail: check(email, v.contactEmail, '电子邮箱'),
    mailingAddress: v.mailingAddress?.slice(0, 200) ?? null,
  };
  return { source, name, problems, outcome: 'rejected', fields };
}

/** Indexes of rows with parents before children; rows below a rejected row or in a cycle are rejected. */
function orderParentsFirst(planned: PlannedRow[]): number[] {
  const order: number[] = [];
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (i: number): boolean => {
    const p = planned[i]!;
    if (state.get(i) === 'done') return p.problems.length === 0;
    if (state.get(i) === 'visiting') {
      p.problems.push('上级单位关系成环');
      return false;
    }
    state.set(i, 'visiting');
    const ref = p.parentRef;
    if (ref && 'fileIndex' in ref && !visit(ref.fileIndex) && p.problems.length === 0) {
      p.problems.push(`上级单位（第 ${planned[ref.fileIndex]!.source.row} 行）未通过检查`);
    }
    state.set(i, 'done');
    if (p.problems.length === 0) order.push(i);
    return p.problems.length === 0;
  };
  planned.forEach((_, i) => visit(i));
  return order;
}
