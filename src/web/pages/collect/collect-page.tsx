import { DownloadOutlined, FileExcelOutlined, FileZipOutlined, FolderOpenOutlined, ReloadOutlined, UnlockOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Descriptions, Progress, Result, Select, Space, Spin, Table, Tabs, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useRef, useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { submissionStatuses } from '../../../shared/domain/submission-status';
import { ApiError, download, downloadWithProgress } from '../../api/client';
import { fetchCollected, fetchTaskDetail, submissionKeys, submissionLinks, type CollectQuery } from '../../api/submissions';
import type { CollectedSubmission, SubmissionStatus, TaskDetail } from '../../api/types';
import { useLanguage } from '../../app/language';
import { PersonalDataExportButton } from '../../components/personal-data-export-button';
import { ForbiddenResult } from '../../components/status-pages';
import { UnitPicker, type PickedUnit } from '../../components/unit-picker';
import { formatDay } from '../../lib/dates';
import { saveBlob } from '../../lib/download';
import { isSessionEnd, useErrorText, useReportError } from '../../lib/errors';
import { formatBytes, formatDateTime } from '../../lib/labels';
import { SubmissionStatusTag } from '../tasks/submission-labels';
import { CompletionTab } from './completion-tab';
import { ExceptionModal } from './exception-modal';
import { RecommendTab } from './recommend-tab';
import { ReviewDrawer } from './review-drawer';
import { ReminderSettingsTab, RemindersTab, TimelineTab } from './supervision-tabs';

interface Filters {
  status?: SubmissionStatus | undefined;
  unit?: PickedUnit | null;
  moduleId?: string | undefined;
  phaseId?: string | undefined;
  late: boolean;
}

/** /collect/:taskId — what the units sent for a task: filter, read, return or accept, export. */
export default function CollectPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const taskId = Number(useParams().taskId);
  const valid = Number.isInteger(taskId) && taskId > 0;
  const detail = useQuery({ queryKey: submissionKeys.task(taskId), queryFn: () => fetchTaskDetail(taskId), enabled: valid, staleTime: 0 });
  if (!valid) return <Result status="404" title={t('app.notFound')} />;
  if (detail.isPending) return <Spin />;
  if (detail.isError) {
    return <Result status={detail.error instanceof ApiError && detail.error.status === 404 ? '404' : 'error'} title={errorText(detail.error)} />;
  }
  if (!detail.data.canCollect) return <ForbiddenResult title={t('collect.forbidden')} />;
  return <Collect detail={detail.data} />;
}

function Collect({ detail }: { detail: TaskDetail }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const taskId = detail.task.id;
  const [exceptionOpen, setExceptionOpen] = useState(false);
  const [params, setParams] = useSearchParams();
  const tab = collectTabs.find((k) => k === params.get('tab')) ?? 'submissions';
  const setTab = (next: string) => setParams(next === 'submissions' ? {} : { tab: next }, { replace: true });
  const quota = detail.task.quota;
  const quotaText = [
    quota.minItems > 0 ? t('fill.quota.min', { min: quota.minItems }) : null,
    quota.maxItems !== null ? t('fill.quota.max', { max: quota.maxItems }) : null,
    quota.onePerPhase ? t('fill.quota.phase') : null,
  ]
    .filter(Boolean)
    .join(t('fill.quota.separator'));

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card size="small">
        <Space orientation="vertical" size={8} style={{ width: '100%' }}>
          <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="collect-title">
              {t('collect.title', { title: detail.task.title })}
            </Typography.Title>
            <Space wrap>
              <SummaryExport taskId={taskId} />
              {/* With contacts' numbers, e-mail and addresses in full: the export permission and a fresh password. */}
              <PersonalDataExportButton path={submissionLinks.fullSummaryPath(taskId)} fallbackName="summary.xlsx" label={t('collect.exportSummaryFull')} testId="export-summary-full" />
              <ZipExport taskId={taskId} />
              {detail.task.latePolicy === 'close' && (
                <Button icon={<UnlockOutlined />} onClick={() => setExceptionOpen(true)} data-testid="exception-grant">
                  {t('collect.exceptionGrant')}
                </Button>
              )}
            </Space>
          </Space>
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label={t('fill.notice')}>
              <Link to={`/notices/${detail.task.noticeId}`}>{detail.task.noticeTitle}</Link>
            </Descriptions.Item>
            <Descriptions.Item label={t('fill.deadline')}>
              <Space size={6}>
                {formatDay(detail.task.deadlineDate, language)}
                {detail.task.closed && <Tag color="red">{t('collect.closed')}</Tag>}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('fill.latePolicy')}>{t(`latePolicy.${detail.task.latePolicy}`)}</Descriptions.Item>
            {quotaText && <Descriptions.Item label={t('collect.quota')}>{quotaText}</Descriptions.Item>}
          </Descriptions>
          {detail.task.closed && <Alert type="warning" showIcon title={t('collect.closedHint')} />}
        </Space>
      </Card>

      <Tabs
        activeKey={tab}
        onChange={setTab}
        destroyOnHidden
        items={collectTabs.map((key) => ({
          key,
          label: <span data-testid={`collect-tab-${key}`}>{t(`collect.tabs.${key}`)}</span>,
          children: <CollectTab tab={key} detail={detail} />,
        }))}
      />
      {exceptionOpen && <ExceptionModal taskId={taskId} onClose={() => setExceptionOpen(false)} />}
    </Space>
  );
}

const collectTabs = ['submissions', 'completion', 'timeline', 'reminders', 'auto', 'recommend'] as const;
type CollectTabKey = (typeof collectTabs)[number];

function CollectTab({ tab, detail }: { tab: CollectTabKey; detail: TaskDetail }) {
  const taskId = detail.task.id;
  switch (tab) {
    case 'submissions':
      return <SubmissionsTab detail={detail} />;
    case 'completion':
      return <CompletionTab taskId={taskId} />;
    case 'timeline':
      return <TimelineTab taskId={taskId} />;
    case 'reminders':
      return <RemindersTab taskId={taskId} />;
    case 'auto':
      return <ReminderSettingsTab detail={detail} />;
    case 'recommend':
      return <RecommendTab detail={detail} />;
  }
}

/** 报送情况: what the units sent, filtered; open one to review it. */
function SubmissionsTab({ detail }: { detail: TaskDetail }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const queryClient = useQueryClient();
  const errorText = useErrorText();
  const taskId = detail.task.id;
  const [filters, setFilters] = useState<Filters>({ late: false });
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [openId, setOpenId] = useState<number | null>(null);
  const query: CollectQuery = {
    status: filters.status,
    unitId: filters.unit?.value,
    moduleId: filters.moduleId,
    phaseId: filters.phaseId,
    late: filters.late || undefined,
    page,
    pageSize,
  };
  const list = useQuery({ queryKey: submissionKeys.collected(taskId, query), queryFn: () => fetchCollected(taskId, query), staleTime: 0 });
  const refresh = () => queryClient.invalidateQueries({ queryKey: submissionKeys.collectedAll(taskId) });
  const setFilter = (patch: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setPage(1);
  };

  const columns: TableColumnsType<CollectedSubmission> = [
    { key: 'unit', title: t('collect.unit'), render: (_: unknown, s) => <Typography.Text strong>{s.unitName}</Typography.Text> },
    { key: 'collectedBy', dataIndex: 'collectedBy', title: t('collect.collectedBy'), width: 140 },
    { key: 'status', title: t('collect.status'), width: 100, render: (_: unknown, s) => <SubmissionStatusTag status={s.status} data-testid="collect-status" /> },
    {
      key: 'submittedAt',
      title: t('collect.submittedAt'),
      width: 190,
      render: (_: unknown, s) => (
        <Space orientation="vertical" size={0}>
          <span>{s.submittedAt ? formatDateTime(s.submittedAt, language) : t('common.none')}</span>
          {s.lateHours > 0 && (
            <Tag color="red" data-testid="collect-late">
              {t('collect.lateTag', { hours: s.lateHours })}
            </Tag>
          )}
        </Space>
      ),
    },
    {
      key: 'items',
      title: t('collect.items'),
      render: (_: unknown, s) =>
        s.itemCount === 0 ? (
          t('common.none')
        ) : (
          <Space orientation="vertical" size={0}>
            <span>{t('collect.itemCount', { count: s.itemCount })}</span>
            {s.itemTitles.map((title, i) => (
              <Typography.Text key={i} type="secondary" ellipsis={{ tooltip: title }} style={{ maxWidth: 320 }}>
                {i + 1}. {title}
              </Typography.Text>
            ))}
          </Space>
        ),
    },
    { key: 'routedTo', title: t('collect.routedTo'), width: 130, render: (_: unknown, s) => s.routedTo ?? t('common.none') },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 100,
      fixed: 'right',
      render: (_: unknown, s) => (
        <Button size="small" type={s.status === 'submitted' ? 'primary' : 'default'} icon={<FolderOpenOutlined />} onClick={() => setOpenId(s.id)} data-testid="collect-open">
          {s.status === 'submitted' ? t('collect.review') : t('collect.open')}
        </Button>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card size="small">
        <Space wrap>
          <Select<SubmissionStatus>
            allowClear
            style={{ width: 140 }}
            placeholder={t('collect.allStatuses')}
            data-testid="collect-filter-status"
            value={filters.status}
            onChange={(status) => setFilter({ status })}
            options={submissionStatuses.filter((s) => s !== 'draft').map((s) => ({ value: s, label: t(`submissionStatus.${s}`) }))}
          />
          <UnitPicker
            allowClear
            style={{ width: 260 }}
            data-testid="collect-filter-unit"
            placeholder={t('collect.unitPlaceholder')}
            value={filters.unit ?? null}
            onChange={(unit) => setFilter({ unit })}
          />
          <Select
            allowClear
            style={{ width: 150 }}
            placeholder={t('collect.allModules')}
            data-testid="collect-filter-module"
            value={filters.moduleId}
            onChange={(moduleId: string | undefined) => setFilter({ moduleId })}
            options={detail.context.modules.map((m) => ({ value: m.id, label: m.name }))}
          />
          <Select
            allowClear
            style={{ width: 150 }}
            placeholder={t('collect.allPhases')}
            data-testid="collect-filter-phase"
            value={filters.phaseId}
            onChange={(phaseId: string | undefined) => setFilter({ phaseId })}
            options={detail.context.phases.map((p) => ({ value: p.id, label: p.name }))}
          />
          <Checkbox checked={filters.late} onChange={(e) => setFilter({ late: e.target.checked })} data-testid="collect-filter-late">
            {t('collect.lateOnly')}
          </Checkbox>
          <Tooltip title={t('common.refresh')}>
            <Button icon={<ReloadOutlined />} aria-label={t('common.refresh')} onClick={() => void refresh()} />
          </Tooltip>
        </Space>
      </Card>

      {list.isError && <Alert type="error" showIcon title={errorText(list.error)} />}
      <Table<CollectedSubmission>
        data-testid="collect-table"
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        columns={columns}
        dataSource={list.data?.items ?? []}
        onRow={() => ({ 'data-testid': 'collect-row' }) as HTMLAttributes<HTMLElement>}
        scroll={{ x: 1100 }}
        locale={{ emptyText: t('collect.empty') }}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { count: total }),
          onChange: (next, size) => {
            setPage(size !== pageSize ? 1 : next);
            setPageSize(size);
          },
        }}
      />

      {openId !== null && (
        <ReviewDrawer
          detail={detail}
          submissionId={openId}
          onClose={() => setOpenId(null)}
          onChanged={() => void refresh()}
        />
      )}
    </Space>
  );
}

/** 汇总表 .xlsx (one row per item; contacts' numbers, e-mail and addresses masked), fetched so that a refusal shows the server's message. */
function SummaryExport({ taskId }: { taskId: number }) {
  const { t } = useTranslation();
  const reportError = useReportError();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      icon={<FileExcelOutlined />}
      loading={busy}
      data-testid="export-summary"
      onClick={async () => {
        setBusy(true);
        try {
          const { blob, filename } = await download(submissionLinks.summaryPath(taskId));
          saveBlob(blob, filename ?? 'summary.xlsx');
        } catch (error) {
          reportError(error);
        } finally {
          setBusy(false);
        }
      }}
    >
      {t('collect.exportSummary')}
    </Button>
  );
}

/** All files by unit as one zip, with a real progress bar (the server sends the exact length). */
function ZipExport({ taskId }: { taskId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const reportError = useReportError();
  const [progress, setProgress] = useState<{ received: number; total: number | null; done: boolean } | null>(null);
  const abort = useRef<AbortController | null>(null);
  const busy = progress !== null && !progress.done;

  const start = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setProgress({ received: 0, total: null, done: false });
    try {
      const { blob, filename } = await downloadWithProgress(
        submissionLinks.zipPath(taskId),
        (received, total) => setProgress({ received, total, done: false }),
        controller.signal,
      );
      setProgress({ received: blob.size, total: blob.size, done: true });
      saveBlob(blob, filename ?? 'files.zip');
    } catch (error) {
      setProgress(null);
      if (error instanceof DOMException && error.name === 'AbortError') {
        void message.info(t('collect.zipCancelled'));
        return;
      }
      if (!isSessionEnd(error)) reportError(error);
    } finally {
      abort.current = null;
    }
  };

  const percent = progress?.total ? Math.min(100, Math.floor((progress.received / progress.total) * 100)) : 0;
  return (
    <Space size={6}>
      <Button icon={busy ? <DownloadOutlined /> : <FileZipOutlined />} loading={busy} onClick={() => void start()} data-testid="export-zip">
        {t('collect.exportZip')}
      </Button>
      {progress && (
        <Space size={6} data-testid="export-progress" data-percent={percent} data-done={progress.done ? 'true' : 'false'}>
          <Progress percent={percent} size={[140, 8]} status={progress.done ? 'success' : 'active'} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {progress.total ? `${formatBytes(progress.received)} / ${formatBytes(progress.total)}` : formatBytes(progress.received)}
          </Typography.Text>
          {busy && (
            <Button size="small" type="link" onClick={() => abort.current?.abort()}>
              {t('common.cancel')}
            </Button>
          )}
        </Space>
      )}
    </Space>
  );
}
