import ExcelJS from 'exceljs';
import type { CascadeView } from '../../../shared/contracts/notices';
import { receiptStatus, rollUpCascade } from '../../../shared/domain/cascade';
import type { UnitType } from '../../../shared/domain/units';
import { unitTypeLabels } from '../../../shared/i18n/messages';
import type { NoticeRow } from './repository';
import type * as repo from './repository';

type CascadeRow = Awaited<ReturnType<typeof repo.cascadeOf>>[number];

/**
 * The cascade as a tree with totals per subtree. Filters keep the units that match and the units
 * they were reached through, so the tree stays connected.
 */
export function presentCascade(notice: NoticeRow, rows: CascadeRow[], filter: 'all' | 'not_acknowledged' | 'not_read'): CascadeView {
  const entries = rows.map((r) => ({
    unitId: r.unit_id,
    parentUnitId: r.parent_unit_id === notice.issuer_unit_id ? null : r.parent_unit_id,
    read: r.read_at !== null,
    acknowledged: r.acknowledged_at !== null,
    forwarded: r.forwarded_at !== null,
  }));
  const { byUnit, total } = rollUpCascade(entries);
  const parentOf = new Map(entries.map((e) => [e.unitId, e.parentUnitId]));
  const byId = new Map(rows.map((r) => [r.unit_id, r]));
  let keep: Set<number> | undefined;
  if (filter !== 'all') {
    keep = new Set();
    for (const r of rows) {
      const match = filter === 'not_read' ? r.read_at === null : r.acknowledged_at === null && r.forwarded_at === null;
      if (!match) continue;
      for (let id: number | undefined = r.unit_id; id !== undefined && !keep.has(id); id = byId.get(id)?.parent_unit_id) {
        if (!byId.has(id)) break;
        keep.add(id);
      }
    }
  }
  return {
    noticeId: notice.id,
    issuerUnitId: notice.issuer_unit_id,
    totals: total,
    nodes: rows
      .filter((r) => !keep || keep.has(r.unit_id))
      .map((r) => ({
        unitId: r.unit_id,
        parentUnitId: parentOf.get(r.unit_id) ?? null,
        shortName: r.short_name,
        type: r.type as UnitType,
        noticeId: r.notice_id,
        deliveredAt: r.delivered_at.toISOString(),
        readAt: r.read_at?.toISOString() ?? null,
        acknowledgedAt: r.acknowledged_at?.toISOString() ?? null,
        forwardedAt: r.forwarded_at?.toISOString() ?? null,
        forwardedNoticeId: r.forwarded_notice_id,
        status: receiptStatus({ read: r.read_at !== null, acknowledged: r.acknowledged_at !== null, forwarded: r.forwarded_at !== null }),
        totals: byUnit.get(r.unit_id)!,
      })),
  };
}

const statusLabels = { delivered: '已送达未读', read: '已读未签收', acknowledged: '已签收', forwarded: '已转发' } as const;
const chinaTime = (iso: string | null) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '');

export async function cascadeWorkbook(notice: NoticeRow, view: CascadeView): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('下发情况');
  const names = new Map(view.nodes.map((n) => [n.unitId, n.shortName]));
  sheet.addRow([`${notice.document_number ?? ''} ${notice.title}`]);
  sheet.addRow([`共 ${view.totals.units} 个单位：已读 ${view.totals.read}，已签收 ${view.totals.acknowledged}，已转发 ${view.totals.forwarded}`]);
  const header = sheet.addRow(['单位', '单位类型', '经由', '状态', '送达时间', '阅读时间', '签收时间', '转发时间', '下级单位数', '下级已签收']);
  header.font = { bold: true };
  for (const n of view.nodes) {
    sheet.addRow([
      n.shortName,
      unitTypeLabels['zh-CN'][n.type] ?? n.type,
      n.parentUnitId ? (names.get(n.parentUnitId) ?? '') : notice.issuer_short_name,
      statusLabels[n.status],
      chinaTime(n.deliveredAt),
      chinaTime(n.readAt),
      chinaTime(n.acknowledgedAt),
      chinaTime(n.forwardedAt),
      n.totals.units - 1,
      n.totals.acknowledged - (n.acknowledgedAt || n.forwardedAt ? 1 : 0),
    ]);
  }
  sheet.columns.forEach((c, i) => (c.width = i === 0 || i === 2 ? 24 : 18));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
