import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Empty, Spin, Tree, type GetRef, type TreeDataNode } from 'antd';
import { useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type Key, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchChildUnits, fetchRootUnits, unitKeys } from '../../api/units';
import type { UnitSummary } from '../../api/types';

export interface UnitTreeHandle {
  /** Expands the tree down to a unit (ancestors root first), loading what is needed, and scrolls to it. */
  reveal: (ancestorIds: readonly number[], id: number) => Promise<void>;
  /** Reloads every loaded level (after the tree changed: a unit added, moved, deactivated, imported). */
  refreshAll: () => Promise<void>;
}

interface UnitTreeProps {
  includeInactive: boolean;
  selectedId: number | null;
  onSelect: (id: number) => void;
  height: number;
  ref?: Ref<UnitTreeHandle>;
}

/** The unit hierarchy, from the tops the user may see, loading each level when it is expanded. */
export function UnitTree({ includeInactive, selectedId, onSelect, height, ref }: UnitTreeProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const roots = useQuery({ queryKey: unitKeys.roots, queryFn: fetchRootUnits });
  const [children, setChildren] = useState<Record<number, UnitSummary[]>>({});
  const [expanded, setExpanded] = useState<Key[]>([]);
  const treeRef = useRef<GetRef<typeof Tree>>(null);
  const initialised = useRef(false);
  const scrollTarget = useRef<number | null>(null);

  const loadChildren = useCallback(
    async (id: number, fresh = false) => {
      const list = await queryClient.fetchQuery({
        queryKey: unitKeys.children(id, includeInactive),
        queryFn: () => fetchChildUnits(id, includeInactive),
        staleTime: fresh ? 0 : 30_000,
      });
      setChildren((previous) => ({ ...previous, [id]: list }));
      return list;
    },
    [queryClient, includeInactive],
  );

  // Open the first top level once it is known, so the user sees the provinces straight away.
  useEffect(() => {
    const first = roots.data?.[0];
    if (initialised.current || !first) return;
    initialised.current = true;
    if (first.childCount === 0) return;
    queryClient
      .fetchQuery({ queryKey: unitKeys.children(first.id, includeInactive), queryFn: () => fetchChildUnits(first.id, includeInactive) })
      .then(
        (list) => {
          setChildren((previous) => ({ ...previous, [first.id]: list }));
          setExpanded((previous) => (previous.length > 0 ? previous : [first.id]));
        },
        () => undefined,
      );
  }, [roots.data, queryClient, includeInactive]);

  const reveal = useCallback(
    async (ancestorIds: readonly number[], id: number) => {
      for (const ancestor of ancestorIds) await loadChildren(ancestor);
      scrollTarget.current = id; // scrolled to once React has drawn the opened levels (below)
      setExpanded((previous) => [...new Set([...previous, ...ancestorIds])]);
    },
    [loadChildren],
  );

  const refreshAll = useCallback(async () => {
    await queryClient.invalidateQueries({ queryKey: unitKeys.roots });
    const loaded = Object.keys(children).map(Number);
    const results = await Promise.allSettled(
      loaded.map((id) => queryClient.fetchQuery({ queryKey: unitKeys.children(id, includeInactive), queryFn: () => fetchChildUnits(id, includeInactive), staleTime: 0 })),
    );
    setChildren(() => {
      const next: Record<number, UnitSummary[]> = {};
      results.forEach((result, i) => {
        const id = loaded[i];
        // A level that can no longer be read (moved out of sight) is dropped and loads again on demand.
        if (id !== undefined && result.status === 'fulfilled') next[id] = result.value;
      });
      return next;
    });
  }, [queryClient, children, includeInactive]);

  useImperativeHandle(ref, () => ({ reveal, refreshAll }), [reveal, refreshAll]);

  const treeData = useMemo(() => {
    const build = (units: readonly UnitSummary[]): TreeDataNode[] =>
      units.map((unit) => {
        const loaded = children[unit.id];
        return {
          key: unit.id,
          title: (
            <span className={unit.active ? undefined : 'hj-tree-inactive'} title={unit.name} data-unit-id={unit.id}>
              {unit.shortName}
            </span>
          ),
          isLeaf: loaded ? loaded.length === 0 : unit.childCount === 0,
          ...(loaded ? { children: build(loaded) } : {}),
        };
      });
    return build(roots.data ?? []);
  }, [roots.data, children]);

  useEffect(() => {
    const id = scrollTarget.current;
    if (id === null) return;
    const timer = window.setTimeout(() => {
      if (scrollTarget.current !== id) return;
      scrollTarget.current = null;
      treeRef.current?.scrollTo({ key: id, align: 'auto', offset: 48 });
    }, 30);
    return () => window.clearTimeout(timer);
  }, [treeData, expanded]);

  if (roots.isPending) {
    return (
      <div style={{ textAlign: 'center', padding: 24 }}>
        <Spin />
      </div>
    );
  }
  if (treeData.length === 0) return <Empty description={t('units.treeEmpty')} />;

  return (
    <div data-testid="unit-tree">
      <Tree
        ref={treeRef}
        blockNode
        showLine
        height={height}
        treeData={treeData}
        expandedKeys={expanded}
        loadedKeys={Object.keys(children).map(Number)}
        selectedKeys={selectedId === null ? [] : [selectedId]}
        onExpand={(keys) => setExpanded(keys)}
        loadData={async (node) => {
          await loadChildren(Number(node.key));
        }}
        onSelect={(_keys, info) => onSelect(Number(info.node.key))}
      />
    </div>
  );
}
