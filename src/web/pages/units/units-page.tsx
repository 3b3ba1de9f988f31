import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Card, Checkbox, Empty, Result, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../../api/client';
import { fetchRootUnits, fetchUnit, unitKeys } from '../../api/units';
import type { UnitDetail as UnitDetailView, UnitSearchHit } from '../../api/types';
import { baseDetail, useErrorText, useReportError } from '../../lib/errors';
import { adminRoles, hasAnyRole, useRequiredSession } from '../../session/session';
import { BulkAccountsModal } from './bulk-accounts-modal';
import { ImportModal } from './import-modal';
import { MoveUnitModal } from './move-unit-modal';
import { UnitDetail, type UnitAction } from './unit-detail';
import { UnitFormDrawer, type UnitFormTarget } from './unit-form-drawer';
import { UnitSearch } from './unit-search';
import { UnitTree, type UnitTreeHandle } from './unit-tree';

type Dialog =
  | { kind: 'form'; target: UnitFormTarget }
  | { kind: 'move'; unit: UnitDetailView }
  | { kind: 'import' }
  | { kind: 'bulk'; unit: UnitDetailView }
  | null;

/** The tree fills the window beside the details; stacked above them on narrow screens, less. */
function treeHeight() {
  return window.innerWidth <= 900 ? 360 : Math.max(320, window.innerHeight - 260);
}

/** 单位: the tree (with search) on the left, the selected unit's details and actions on the right. */
export default function UnitsPage() {
  const { t } = useTranslation();
  const session = useRequiredSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const errorText = useErrorText();
  const reportError = useReportError();
  const [params, setParams] = useSearchParams();
  const [includeInactive, setIncludeInactive] = useState(false);
  const [searchText, setSearchText] = useState('');
  const [dialog, setDialog] = useState<Dialog>(null);
  const [height] = useState(treeHeight);
  const treeRef = useRef<UnitTreeHandle>(null);
  const revealedFromUrl = useRef(false);

  const roots = useQuery({ queryKey: unitKeys.roots, queryFn: fetchRootUnits });
  const requested = Number(params.get('unit'));
  const selectedId = Number.isInteger(requested) && requested > 0 ? requested : (roots.data?.[0]?.id ?? null);
  const detail = useQuery({
    queryKey: unitKeys.detail(selectedId ?? 0),
    queryFn: () => fetchUnit(selectedId!),
    enabled: selectedId !== null,
  });
  const canManageUsers = hasAnyRole(session, adminRoles);

  const select = (id: number) => {
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        next.set('unit', String(id));
        return next;
      },
      { replace: false },
    );
  };

  // Opened from a link (or after signing in again) on a unit deep in the tree: open the tree down to it.
  useEffect(() => {
    const unit = detail.data;
    if (revealedFromUrl.current || !unit) return;
    revealedFromUrl.current = true;
    if (unit.ancestors.length > 0) void treeRef.current?.reveal(unit.ancestors.map((a) => a.id), unit.id);
  }, [detail.data]);

  const pickHit = (hit: UnitSearchHit) => {
    select(hit.id);
    setSearchText('');
    void treeRef.current?.reveal(
      hit.ancestors.map((a) => a.id),
      hit.id,
    );
  };

  /** After any change to the tree: fresh details, search results and every loaded level. */
  const afterChange = async (unit?: UnitDetailView) => {
    if (unit) queryClient.setQueryData(unitKeys.detail(unit.id), unit);
    await queryClient.invalidateQueries({
      predicate: (q) => q.queryKey[0] === 'units' && !(unit && q.queryKey[1] === 'detail' && q.queryKey[2] === unit.id),
    });
    await treeRef.current?.refreshAll();
  };

  /** 409 stale_version: someone else changed the unit; say so, and show the current version. */
  const reloadAfterStale = (error: ApiError) => {
    setDialog(null);
    void queryClient.invalidateQueries({ queryKey: unitKeys.all });
    modal.warning({
      title: error.problem ? baseDetail(error.problem) : errorText(error),
      content: t('units.staleReloaded'),
      okText: t('common.confirm'),
    });
  };

  const setActive = useMutation({
    mutationFn: ({ unit, active }: { unit: UnitDetailView; active: boolean }) =>
      api.post<UnitDetailView>(`/units/${unit.id}/${active ? 'reactivate' : 'deactivate'}`, { version: unit.version }),
    onSuccess: async (unit, { active }) => {
      void message.success(active ? t('units.reactivated', { name: unit.shortName }) : t('units.deactivated', { name: unit.shortName }));
      await afterChange(unit);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'stale_version') reloadAfterStale(error);
      else reportError(error);
    },
  });

  const onAction = (action: UnitAction) => {
    const unit = detail.data;
    if (!unit) return;
    switch (action) {
      case 'edit':
        setDialog({ kind: 'form', target: { mode: 'edit', unit } });
        break;
      case 'addChild':
        setDialog({ kind: 'form', target: { mode: 'create', parent: unit } });
        break;
      case 'move':
        setDialog({ kind: 'move', unit });
        break;
      case 'import':
        setDialog({ kind: 'import' });
        break;
      case 'bulkAccounts':
        setDialog({ kind: 'bulk', unit });
        break;
      case 'viewAccounts':
        void navigate(`/users?unitId=${unit.id}`);
        break;
      case 'deactivate':
      case 'reactivate': {
        const active = action === 'reactivate';
        modal.confirm({
          title: active ? t('units.reactivateTitle', { name: unit.shortName }) : t('units.deactivateTitle', { name: unit.shortName }),
          content: active ? t('units.reactivateContent') : t('units.deactivateContent', { count: unit.childCount }),
          okText: active ? t('units.reactivate') : t('units.deactivate'),
          okButtonProps: { danger: !active, 'data-testid': 'confirm-ok' },
          cancelText: t('common.cancel'),
          onOk: () => setActive.mutateAsync({ unit, active }).catch(() => undefined),
        });
        break;
      }
    }
  };

  let main;
  if (selectedId === null) {
    main = roots.isPending ? <Spin /> : <Empty description={t('units.selectHint')} />;
  } else if (detail.isPending) {
    main = (
      <Card>
        <div style={{ textAlign: 'center', padding: 48 }}>
          <Spin />
        </div>
      </Card>
    );
  } else if (detail.isError) {
    main = <Result status={detail.error instanceof ApiError && detail.error.status === 404 ? '404' : 'error'} title={errorText(detail.error)} />;
  } else {
    main = (
      <UnitDetail
        unit={detail.data}
        canManageUsers={canManageUsers}
        busy={setActive.isPending}
        onAction={onAction}
        onNavigate={(id) => {
          const ancestors = detail.data.ancestors;
          const index = ancestors.findIndex((a) => a.id === id);
          select(id);
          void treeRef.current?.reveal(
            ancestors.slice(0, Math.max(index, 0)).map((a) => a.id),
            id,
          );
        }}
      />
    );
  }

  return (
    <div className="hj-units">
      <aside className="hj-units-side">
        <Card size="small" styles={{ body: { padding: 12 } }}>
          <UnitSearch text={searchText} onTextChange={setSearchText} includeInactive={includeInactive} onPick={pickHit} />
          <Checkbox
            checked={includeInactive}
            onChange={(event) => {
              setIncludeInactive(event.target.checked);
              // The tree starts afresh in the other mode: open it again down to the selected unit.
              const unit = detail.data;
              if (unit && unit.ancestors.length > 0) {
                window.setTimeout(() => void treeRef.current?.reveal(unit.ancestors.map((a) => a.id), unit.id), 0);
              }
            }}
            style={{ marginBottom: 8 }}
            data-testid="unit-show-inactive"
          >
            {t('units.showInactive')}
          </Checkbox>
          <UnitTree
            key={String(includeInactive)}
            ref={treeRef}
            includeInactive={includeInactive}
            selectedId={selectedId}
            onSelect={select}
            height={height}
          />
        </Card>
      </aside>
      <section className="hj-units-main">{main}</section>

      {dialog?.kind === 'form' && (
        <UnitFormDrawer
          target={dialog.target}
          onClose={() => setDialog(null)}
          onStale={reloadAfterStale}
          onSaved={(unit, mode) => {
            setDialog(null);
            void message.success(mode === 'create' ? t('units.created', { name: unit.shortName }) : t('units.updated'));
            void afterChange(unit).then(() => {
              if (mode === 'create') {
                select(unit.id);
                void treeRef.current?.reveal(
                  unit.ancestors.map((a) => a.id),
                  unit.id,
                );
              }
            });
          }}
        />
      )}
      {dialog?.kind === 'move' && (
        <MoveUnitModal
          unit={dialog.unit}
          onClose={() => setDialog(null)}
          onStale={reloadAfterStale}
          onMoved={(unit) => {
            setDialog(null);
            void message.success(t('units.moved'));
            void afterChange(unit).then(() =>
              treeRef.current?.reveal(
                unit.ancestors.map((a) => a.id),
                unit.id,
              ),
            );
          }}
        />
      )}
      {dialog?.kind === 'import' && <ImportModal onClose={() => setDialog(null)} onImported={() => void afterChange()} />}
      {dialog?.kind === 'bulk' && <BulkAccountsModal unit={dialog.unit} onClose={() => setDialog(null)} />}
    </div>
  );
}
