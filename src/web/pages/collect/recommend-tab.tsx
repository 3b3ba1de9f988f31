import { ApartmentOutlined, LikeOutlined, ReloadOutlined, RollbackOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Drawer, Empty, Input, Modal, Result, Space, Spin, Table, Tag, Timeline, Typography, type TableColumnsType } from 'antd';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { fetchPool, fetchProvenance, recommend, selectionKeys, withdrawRecommendation } from '../../api/selection';
import type { PoolItem, RecommendationPool, TaskDetail } from '../../api/types';
import { useLanguage } from '../../app/language';
import { useErrorText, useReportError } from '../../lib/errors';
import { formatDateTime } from '../../lib/labels';

const sourceColors: Record<PoolItem['source'], string> = { accepted: 'green', recommended: 'blue', own: 'purple' };

/**
 * 择优推荐: the best of what the units below sent (accepted here, or recommended up to here) and
 * this unit's own, recommended on to the task above within its quota, with a reason each.
 */
export function RecommendTab({ detail }: { detail: TaskDetail }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const errorText = useErrorText();
  const taskId = detail.task.id;
  const pool = useQuery({ queryKey: selectionKeys.pool(taskId), queryFn: () => fetchPool(taskId), staleTime: 0 });
  const [recommending, setRecommending] = useState<PoolItem | null>(null);
  const [provenanceOf, setProvenanceOf] = useState<PoolItem | null>(null);

  if (pool.isError) {
    const status = pool.error instanceof ApiError ? pool.error.status : 0;
    return <Result status={status === 403 ? '403' : status === 404 ? '404' : 'error'} title={errorText(pool.error)} />;
  }
  if (!pool.data) return <Spin />;
  const view = pool.data;
  const upper = view.upperTask;
  const full = upper !== null && view.recommended >= upper.quota.max;
  const moduleNames = new Map(detail.context.modules.map((m) => [m.id, m.name]));
  const phaseNames = new Map(detail.context.phases.map((p) => [p.id, p.name]));

  const columns: TableColumnsType<PoolItem> = [
    {
      key: 'title',
      title: t('recommend.activity'),
      render: (_: unknown, item) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{item.title}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {[...item.modules.map((m) => moduleNames.get(m) ?? m), item.phaseId ? (phaseNames.get(item.phaseId) ?? item.phaseId) : null].filter(Boolean).join(' · ')}
          </Typography.Text>
        </Space>
      ),
    },
    { key: 'unit', dataIndex: 'unitName', title: t('recommend.unit'), width: 160 },
    {
      key: 'source',
      title: t('recommend.source'),
      width: 220,
      render: (_: unknown, item) => (
        <Space orientation="vertical" size={0}>
          <Tag color={sourceColors[item.source]}>{t(`recommend.sources.${item.source}`)}</Tag>
          {item.recommendedByUnit && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('recommend.recommendedBy', { unit: item.recommendedByUnit })}
            </Typography.Text>
          )}
          {item.reason && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: item.reason }}>
              {t('recommend.reasonShort', { reason: item.reason })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 230,
      render: (_: unknown, item) => (
        <Space wrap size={4}>
          {item.recommendationId !== null ? (
            <>
              <Tag color="gold" data-testid="recommended-tag">
                {t('recommend.recommended')}
              </Tag>
              <WithdrawButton taskId={taskId} recommendationId={item.recommendationId} disabled={upper?.closed ?? true} />
            </>
          ) : (
            upper && (
              <Button
                size="small"
                type="primary"
                icon={<LikeOutlined />}
                disabled={upper.closed}
                onClick={() => setRecommending(item)}
                data-testid="recommend-button"
              >
                {t('recommend.recommend')}
              </Button>
            )
          )}
          <Button size="small" icon={<ApartmentOutlined />} onClick={() => setProvenanceOf(item)} data-testid="provenance-open">
            {t('recommend.provenance')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card size="small" extra={<Button size="small" icon={<ReloadOutlined />} aria-label={t('common.refresh')} onClick={() => void pool.refetch()} />} title={t('recommend.title')}>
        {upper ? (
          <Descriptions
            size="small"
            column={{ xs: 1, md: 2 }}
            items={[
              { key: 'task', label: t('recommend.upperTask'), children: `${upper.issuerName} · ${upper.title}` },
              {
                key: 'deadline',
                label: t('recommend.upperDeadline'),
                children: (
                  <Space size={6}>
                    {formatDateTime(upper.deadline, language)}
                    {upper.closed && <Tag color="red">{t('collect.closed')}</Tag>}
                  </Space>
                ),
              },
              {
                key: 'quota',
                label: t('recommend.quota'),
                children: (
                  <Space size={8}>
                    <Typography.Text strong type={full ? 'warning' : undefined} data-testid="recommend-quota">
                      {t('recommend.quotaText', { count: view.recommended, max: upper.quota.max })}
                    </Typography.Text>
                    {upper.quota.min > 0 && <Typography.Text type="secondary">{t('recommend.quotaMin', { min: upper.quota.min })}</Typography.Text>}
                  </Space>
                ),
              },
            ]}
          />
        ) : (
          <Alert type="info" showIcon title={t('recommend.noUpper')} />
        )}
        {upper?.closed && <Alert type="warning" showIcon style={{ marginTop: 8 }} title={t('recommend.closedHint')} />}
      </Card>
      <Table<PoolItem>
        size="middle"
        rowKey="activityId"
        data-testid="pool-table"
        dataSource={view.items}
        columns={columns}
        loading={pool.isFetching}
        onRow={(item) =>
          ({ 'data-testid': 'pool-row', 'data-activity-id': item.activityId, 'data-recommended': item.recommendationId !== null ? 'true' : 'false' }) as HTMLAttributes<HTMLElement>
        }
        pagination={{ pageSize: 20, showTotal: (total) => t('common.total', { count: total }) }}
        locale={{ emptyText: t('recommend.empty') }}
        scroll={{ x: 900 }}
      />
      {recommending && upper && <RecommendModal taskId={taskId} item={recommending} view={view} onClose={() => setRecommending(null)} />}
      <ProvenanceDrawer item={provenanceOf} onClose={() => setProvenanceOf(null)} />
    </Space>
  );
}

function WithdrawButton({ taskId, recommendationId, disabled }: { taskId: number; recommendationId: number; disabled: boolean }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const reportError = useReportError();
  const withdraw = useMutation({
    mutationFn: () => withdrawRecommendation(recommendationId),
    onSuccess: () => {
      void message.success(t('recommend.withdrawn'));
      void queryClient.invalidateQueries({ queryKey: selectionKeys.pool(taskId) });
    },
    onError: (error) => reportError(error),
  });
  return (
    <Button
      size="small"
      danger
      icon={<RollbackOutlined />}
      disabled={disabled}
      loading={withdraw.isPending}
      data-testid="recommend-withdraw"
      onClick={() =>
        modal.confirm({
          title: t('recommend.withdrawConfirm'),
          okText: t('recommend.withdraw'),
          cancelText: t('common.cancel'),
          okButtonProps: { danger: true, 'data-testid': 'recommend-withdraw-confirm' },
          onOk: () => withdraw.mutateAsync().catch(() => undefined),
        })
      }
    >
      {t('recommend.withdraw')}
    </Button>
  );
}

function RecommendModal({ taskId, item, view, onClose }: { taskId: number; item: PoolItem; view: RecommendationPool; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorText = useErrorText();
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const send = useMutation({
    mutationFn: () => recommend(taskId, { activityId: item.activityId, reason: reason.trim() }),
    onSuccess: () => {
      void message.success(t('recommend.done', { title: item.title }));
      void queryClient.invalidateQueries({ queryKey: selectionKeys.pool(taskId) });
      onClose();
    },
    onError: (error) => {
      // The quota message (南京市科协最多可推荐 2 项，已推荐 2 项) is shown in the modal; refresh the counts.
      if (error instanceof ApiError && error.status === 409) void queryClient.invalidateQueries({ queryKey: selectionKeys.pool(taskId) });
    },
  });
  const tooShort = reason.trim().length < 2;
  return (
    <Modal
      open
      title={t('recommend.modalTitle', { title: item.title })}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={send.isPending}
            data-testid="recommend-submit"
            onClick={() => {
              setTouched(true);
              if (!tooShort) send.mutate();
            }}
          >
            {t('recommend.submit')}
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        {view.upperTask && (
          <Typography.Text type="secondary">
            {t('recommend.modalQuota', { issuer: view.upperTask.issuerName, count: view.recommended, max: view.upperTask.quota.max })}
          </Typography.Text>
        )}
        <Typography.Text strong>{t('recommend.reason')}</Typography.Text>
        <Input.TextArea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={1000}
          showCount
          autoSize={{ minRows: 3, maxRows: 8 }}
          status={touched && tooShort ? 'error' : undefined}
          placeholder={t('recommend.reasonPlaceholder')}
          data-testid="recommend-reason"
        />
        {touched && tooShort && <Typography.Text type="danger">{t('recommend.reasonRequired')}</Typography.Text>}
        {send.isError && <Alert type="error" showIcon title={errorText(send.error)} data-testid="recommend-error" />}
      </Space>
    </Modal>
  );
}

/** 推荐链: who recommended the activity to whom, when and why, up every level. */
function ProvenanceDrawer({ item, onClose }: { item: PoolItem | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const errorText = useErrorText();
  const chain = useQuery({ queryKey: selectionKeys.provenance(item?.activityId ?? 0), queryFn: () => fetchProvenance(item!.activityId), enabled: item !== null, staleTime: 0 });
  return (
    <Drawer open={item !== null} onClose={onClose} title={item ? t('recommend.provenanceTitle', { title: item.title }) : ''} size={520} destroyOnHidden>
      {chain.isPending ? (
        <Spin />
      ) : chain.isError ? (
        <Alert type="error" showIcon title={errorText(chain.error)} />
      ) : chain.data.length === 0 ? (
        <Empty description={t('recommend.provenanceEmpty')} />
      ) : (
        <Timeline
          data-testid="provenance-list"
          items={chain.data.map((step, i) => ({
            key: i,
            color: step.withdrawnAt ? 'gray' : 'blue',
            content: (
              <div data-testid="provenance-row" data-withdrawn={step.withdrawnAt ? 'true' : 'false'}>
                <Typography.Text strong delete={!!step.withdrawnAt}>
                  {t('recommend.provenanceStep', { from: step.fromUnit, to: step.toUnit })}
                </Typography.Text>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(step.recommendedAt, language)}
                    {step.recommendedBy ? ` · ${step.recommendedBy}` : ''}
                  </Typography.Text>
                </div>
                <Typography.Paragraph style={{ margin: '4px 0 0' }}>{step.reason}</Typography.Paragraph>
                {step.withdrawnAt && <Tag color="default">{t('recommend.withdrawnAt', { time: formatDateTime(step.withdrawnAt, language) })}</Tag>}
              </div>
            ),
          }))}
        />
      )}
    </Drawer>
  );
}
