import { CheckCircleOutlined, DownloadOutlined, HistoryOutlined, SendOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Result, Space, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { FileValue, SubmissionValues } from '../../../shared/forms/definition';
import { validateSubmission } from '../../../shared/forms/validate';
import { api, ApiError } from '../../api/client';
import { fetchTaskDetail, newIdempotencyKey, submissionKeys, submissionLinks } from '../../api/submissions';
import type { StoredFileView, SubmissionView, TaskDetail } from '../../api/types';
import { useLanguage } from '../../app/language';
import { SubmissionForm } from '../../components/submission-form/submission-form';
import {
  fromFillValues,
  mergeProblems,
  problemMap,
  quotaState,
  serverProblemMap,
  toFillValues,
  type FillValues,
  type ProblemMap,
  type QuotaState,
} from '../../components/submission-form/values';
import { formatDay } from '../../lib/dates';
import { baseDetail, isSessionEnd, useErrorText, useReportError } from '../../lib/errors';
import { formatDateTime } from '../../lib/labels';
import { QuotaSummary, scrollToProblem } from './quota-summary';
import { RevisionsDrawer } from './revisions-drawer';
import { SubmissionStatusTag } from './submission-labels';

/** Autosave waits this long after the last change. */
const autosaveDelayMs = 2000;
/** A save that failed for the network is tried again after this long. */
const retryDelayMs = 10_000;
/** Live checks wait this long after typing stops. */
const checkDelayMs = 300;

type SaveState =
  | { kind: 'idle' }
  | { kind: 'dirty' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: Date }
  | { kind: 'invalid'; count: number }
  | { kind: 'error'; message: string }
  | { kind: 'conflict' };

const emptyProblems: ProblemMap = new Map();

/** Keeps the same map object when the messages did not change (fewer re-renders of the whole form). */
function sameProblems(a: ProblemMap, b: ProblemMap): boolean {
  if (a.size !== b.size) return false;
  for (const [key, list] of a) if ((b.get(key) ?? []).join('\n') !== list.join('\n')) return false;
  return true;
}

/** /tasks/:id — fill (and submit) the form of a task for my unit. */
export default function TaskFillPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const detail = useQuery({ queryKey: submissionKeys.task(id), queryFn: () => fetchTaskDetail(id), enabled: valid, refetchOnWindowFocus: false, staleTime: 0 });
  const [generation, setGeneration] = useState(0);

  if (!valid) return <Result status="404" title={t('app.notFound')} />;
  if (detail.isPending) return <Spin />;
  if (detail.isError) {
    return <Result status={detail.error instanceof ApiError && detail.error.status === 404 ? '404' : 'error'} title={errorText(detail.error)} />;
  }
  if (!detail.data.form) return <Result status="info" title={t('fill.noForm')} />;
  return (
    <TaskFill
      key={`${id}:${generation}`}
      detail={detail.data}
      onReload={async () => {
        await detail.refetch();
        setGeneration((g) => g + 1);
      }}
    />
  );
}

function TaskFill({ detail, onReload }: { detail: TaskDetail; onReload: () => Promise<void> }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const reportError = useReportError();
  const errorText = useErrorText();
  const taskId = detail.task.id;
  const definition = detail.form!;
  const ctx = detail.context;
  const quota = detail.task.quota;
  const [form] = Form.useForm<FillValues>();
  const [initial] = useState(() => toFillValues(detail.submission?.values, definition));
  const [submission, setSubmission] = useState<SubmissionView | null>(detail.submission);
  const [saveState, setSaveState] = useState<SaveState>(detail.submission ? { kind: 'saved', at: new Date(detail.submission.updatedAt) } : { kind: 'idle' });
  const [clientProblems, setClientProblems] = useState<ProblemMap>(emptyProblems);
  const [serverProblems, setServerProblems] = useState<ProblemMap>(emptyProblems);
  const [quotaInfo, setQuotaInfo] = useState<QuotaState>(() => quotaState(definition, ctx, quota, fromFillValues(initial, definition)));
  /** The quota summary follows the items (a new state only when it says something else). */
  const updateQuota = useCallback(
    (values: SubmissionValues) => {
      const next = quotaState(definition, ctx, quota, values);
      setQuotaInfo((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
    },
    [definition, ctx, quota],
  );
  const [submitting, setSubmitting] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [openedAt] = useState(() => Date.now());

  const status = submission?.status ?? null;
  const canFill = !!detail.submitter && (status === null || status === 'draft' || status === 'returned');
  const mode = canFill ? 'edit' : detail.submitter ? 'readonly' : 'preview';

  // The save machinery lives in a ref: timers and the request in flight outlast renders.
  const engine = useRef({
    dirty: false,
    timer: 0,
    checkTimer: 0,
    retryTimer: 0,
    inFlight: null as Promise<boolean> | null,
    version: detail.submission?.version,
    stopped: false,
    checkMode: 'draft' as 'draft' | 'submit',
  });

  const readValues = useCallback(() => fromFillValues(form.getFieldsValue(true) as FillValues, definition), [form, definition]);

  const setProblemsFrom = useCallback(
    (values: SubmissionValues) => {
      const next = problemMap(validateSubmission(definition, ctx, values, quota, engine.current.checkMode), language);
      setClientProblems((prev) => (sameProblems(prev, next) ? prev : next));
      return next;
    },
    [definition, ctx, quota, language],
  );

  const updateCache = useCallback(
    (view: SubmissionView) => {
      queryClient.setQueryData<TaskDetail>(submissionKeys.task(taskId), (old) => (old ? { ...old, submission: view } : old));
      void queryClient.invalidateQueries({ queryKey: submissionKeys.all, predicate: (q) => q.queryKey[1] === 'my-tasks' });
    },
    [queryClient, taskId],
  );

  const showConflict = useCallback(
    (error: unknown) => {
      modal.warning({
        title: error instanceof ApiError && error.problem ? baseDetail(error.problem) : t('fill.conflictTitle'),
        content: t('fill.conflictReload'),
        okText: t('fill.reload'),
        onOk: () => void onReload(),
      });
    },
    [modal, t, onReload],
  );

  // The retry timer calls the current save (it is set up inside save itself).
  const retry = useRef<(() => Promise<boolean>) | null>(null);

  /** Saves the draft now if anything changed; true when the server holds what the form shows. */
  const save = useCallback(
    async (options: { keepalive?: boolean } = {}): Promise<boolean> => {
      const e = engine.current;
      window.clearTimeout(e.timer);
      window.clearTimeout(e.retryTimer);
      while (e.inFlight) await e.inFlight;
      if (e.stopped) return false;
      if (!e.dirty) return true;
      const values = readValues();
      const problems = validateSubmission(definition, ctx, values, quota, 'draft');
      if (problems.length > 0) {
        // Malformed answers (e.g. a 工作方案 over 500 字) are shown, not sent: the server would refuse them.
        setProblemsFrom(values);
        setSaveState({ kind: 'invalid', count: problems.length });
        return false;
      }
      e.dirty = false;
      setSaveState({ kind: 'saving' });
      const run = (async () => {
        try {
          const view = await api.put<SubmissionView>(
            `/collection-tasks/${taskId}/submission`,
            { values, ...(e.version !== undefined ? { version: e.version } : {}) },
            { keepalive: options.keepalive },
          );
          e.version = view.version;
          setSubmission(view);
          setSaveState(e.dirty ? { kind: 'dirty' } : { kind: 'saved', at: new Date() });
          updateCache(view);
          return true;
        } catch (error) {
          if (isSessionEnd(error)) {
            e.dirty = true;
            return false;
          }
          if (error instanceof ApiError && (error.code === 'stale_version' || error.code === 'submission_status_conflict')) {
            // Someone else saved (another tab, a colleague) or the collector acted: never overwrite.
            e.stopped = true;
            setSaveState({ kind: 'conflict' });
            showConflict(error);
            return false;
          }
          if (error instanceof ApiError && error.status === 422) {
            const server = serverProblemMap(error);
            setServerProblems(server);
            setSaveState({ kind: 'invalid', count: Math.max(1, server.size) });
            return false;
          }
          // The network or the server failed: the changes stay and are tried again.
          e.dirty = true;
          setSaveState({ kind: 'error', message: errorText(error) });
          e.retryTimer = window.setTimeout(() => void retry.current?.(), retryDelayMs);
          return false;
        } finally {
          e.inFlight = null;
        }
      })();
      e.inFlight = run;
      return run;
    },
    [readValues, definition, ctx, quota, taskId, setProblemsFrom, updateCache, showConflict, errorText],
  );

  useEffect(() => {
    retry.current = () => save();
  }, [save]);

  const onChange = useCallback(() => {
    const e = engine.current;
    if (e.stopped) return;
    window.clearTimeout(e.checkTimer);
    e.checkTimer = window.setTimeout(() => {
      const values = readValues();
      updateQuota(values);
      setProblemsFrom(values);
    }, checkDelayMs);
    setServerProblems((prev) => (prev.size === 0 ? prev : emptyProblems));
    if (mode !== 'edit') return;
    e.dirty = true;
    // Same state object when nothing changes: typing does not re-render the whole form.
    setSaveState((s) => (s.kind === 'saving' || s.kind === 'dirty' ? s : { kind: 'dirty' }));
    window.clearTimeout(e.timer);
    e.timer = window.setTimeout(() => void save(), autosaveDelayMs);
  }, [mode, readValues, setProblemsFrom, updateQuota, save]);

  // Leaving the page (another route, a hidden or closing tab) saves what is pending.
  useEffect(() => {
    const e = engine.current;
    const flush = () => {
      if (e.dirty && !e.stopped) void save({ keepalive: true });
    };
    const onHide = () => {
      if (document.visibilityState === 'hidden') flush();
    };
    // The window losing focus (another program, another tab) is a moment to save too.
    const onBlur = () => {
      if (e.dirty && !e.stopped) void save();
    };
    window.addEventListener('pagehide', flush);
    window.addEventListener('blur', onBlur);
    document.addEventListener('visibilitychange', onHide);
    return () => {
      window.removeEventListener('pagehide', flush);
      window.removeEventListener('blur', onBlur);
      document.removeEventListener('visibilitychange', onHide);
      window.clearTimeout(e.checkTimer);
      flush();
    };
  }, [save]);

  const upload = useCallback(
    async (fieldKey: string, file: File): Promise<FileValue> => {
      const body = new FormData();
      body.append('file', file, file.name);
      const stored = await api.upload<StoredFileView>(`/collection-tasks/${taskId}/files`, body, { query: { field: fieldKey } });
      return { fileId: stored.id, name: stored.name, size: stored.size };
    },
    [taskId],
  );

  const problems = useMemo(() => mergeProblems(clientProblems, serverProblems), [clientProblems, serverProblems]);

  const submit = async () => {
    const e = engine.current;
    setSubmitting(true);
    try {
      // From the first submit click on, every problem a submit would meet is shown, also when
      // the draft itself cannot be saved (a 工作方案 over 500 字 next to an item without a module).
      e.checkMode = 'submit';
      // What is on screen is saved first (the first save creates the submission).
      if (e.version === undefined) e.dirty = true;
      const saved = await save();
      if (!saved) {
        if (!e.stopped) {
          void message.error(t('fill.fixBeforeSubmit'));
          scrollToProblem();
        }
        return;
      }
      const values = readValues();
      updateQuota(values);
      const found = setProblemsFrom(values);
      if (found.size > 0) {
        void message.error(t('fill.fixProblems', { count: found.size }));
        scrollToProblem();
        return;
      }
      // One key per click; the retry after a network failure is the same request.
      const key = newIdempotencyKey();
      const send = () =>
        api.post<SubmissionView>(`/collection-tasks/${taskId}/submission/submit`, { version: e.version }, { headers: { 'Idempotency-Key': key } });
      let view: SubmissionView;
      try {
        view = await send();
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 0)) throw error;
        view = await send();
      }
      e.version = view.version;
      e.dirty = false;
      setSubmission(view);
      updateCache(view);
      setServerProblems(emptyProblems);
      void message.success(view.lateHours > 0 ? t('fill.submittedLate', { hours: view.lateHours }) : t('fill.submitted'));
      window.scrollTo({ top: 0, behavior: 'smooth' });
    } catch (error) {
      if (isSessionEnd(error)) return;
      if (error instanceof ApiError && error.code === 'stale_version') {
        e.stopped = true;
        showConflict(error);
        return;
      }
      if (error instanceof ApiError && error.code === 'task_closed') {
        modal.error({ title: error.problem?.detail ?? errorText(error), okText: t('common.confirm') });
        return;
      }
      if (error instanceof ApiError && error.status === 422 && error.problem?.errors?.length) {
        const server = serverProblemMap(error);
        setServerProblems(server);
        void message.error(baseDetail(error.problem));
        scrollToProblem();
        return;
      }
      reportError(error);
    } finally {
      setSubmitting(false);
    }
  };

  const deadlinePassed = openedAt > new Date(detail.task.deadline).getTime();

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%', maxWidth: 1080 }}>
      <Card size="small">
        <Space orientation="vertical" size={8} style={{ width: '100%' }}>
          <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="task-title">
              {detail.task.title}
            </Typography.Title>
            <Space wrap>
              {detail.submitter && <SubmissionStatusTag status={status ?? 'not_started'} data-testid="submission-status" />}
              {submission && (
                <Button icon={<HistoryOutlined />} onClick={() => setHistoryOpen(true)} data-testid="revisions-open">
                  {t('fill.history')}
                </Button>
              )}
              {/* Persons (最美科技工作者 and the like) are nominated beside the form, within the task's quota. */}
              <Link to={`/tasks/${taskId}/nominations`}>
                <Button data-testid="nominations-open">{t('nominations.open')}</Button>
              </Link>
            </Space>
          </Space>
          <Descriptions size="small" column={{ xs: 1, md: 2 }}>
            <Descriptions.Item label={t('fill.notice')}>
              <Link to={`/notices/${detail.task.noticeId}`}>{detail.task.noticeTitle}</Link>
              {detail.task.documentNumber && `（${detail.task.documentNumber}）`}
            </Descriptions.Item>
            <Descriptions.Item label={t('fill.issuer')}>{detail.task.issuerName}</Descriptions.Item>
            <Descriptions.Item label={t('fill.deadline')}>
              <Space size={6}>
                <span data-testid="task-deadline">{formatDay(detail.task.deadlineDate, language)}</span>
                {deadlinePassed && (status === null || status === 'draft' || status === 'returned') && <Tag color="red">{t('tasks.overdue')}</Tag>}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('fill.latePolicy')}>{t(`latePolicy.${detail.task.latePolicy}`)}</Descriptions.Item>
            {detail.submitter && <Descriptions.Item label={t('fill.submitter')}>{detail.submitter.unitName}</Descriptions.Item>}
            {detail.task.description && <Descriptions.Item label={t('fill.description')}>{detail.task.description}</Descriptions.Item>}
          </Descriptions>
        </Space>
      </Card>

      {!detail.submitter && (
        <Alert
          type="info"
          showIcon
          title={t('fill.notSubmitter')}
          action={
            detail.canCollect ? (
              <Link to={`/collect/${taskId}`}>
                <Button size="small">{t('fill.openCollect')}</Button>
              </Link>
            ) : undefined
          }
        />
      )}
      {detail.submitter && detail.task.closed && status !== 'submitted' && status !== 'accepted' && (
        <Alert type="error" showIcon data-testid="task-closed" title={t('fill.closed')} />
      )}
      {submission && <SubmissionOutcome submission={submission} />}

      <Card size="small" className="hj-fill-card">
        <SubmissionForm
          form={form}
          definition={definition}
          context={ctx}
          mode={mode}
          initialValues={initial}
          problems={problems}
          itemComments={status === 'returned' ? (submission?.reviewComments?.items ?? undefined) : undefined}
          maxItems={quota.maxItems}
          upload={mode === 'edit' ? upload : undefined}
          onChange={onChange}
          itemsHeader={detail.submitter ? <QuotaSummary state={quotaInfo} label={definition.itemGroup?.label ?? ''} problems={serverProblems.get('items')} /> : undefined}
        />
      </Card>

      {detail.submitter && (
        <div className="hj-sticky-actions">
          <Space wrap>
            {mode === 'edit' && (
              <Button
                type="primary"
                icon={<SendOutlined />}
                loading={submitting}
                disabled={saveState.kind === 'saving' || submitting || saveState.kind === 'conflict' || detail.task.closed}
                onClick={() => void submit()}
                data-testid="submission-submit"
              >
                {status === 'returned' ? t('fill.resubmit') : t('fill.submit')}
              </Button>
            )}
            {submission && (
              <>
                <Button icon={<DownloadOutlined />} href={submissionLinks.docx(submission.id)} download data-testid="submission-download-docx">
                  {t('fill.downloadDocx')}
                </Button>
                <Button icon={<DownloadOutlined />} href={submissionLinks.pdf(submission.id)} download data-testid="submission-download-pdf">
                  {t('fill.downloadPdf')}
                </Button>
              </>
            )}
            {mode === 'edit' && <AutosaveStatus state={saveState} />}
            {mode === 'edit' && <Typography.Text type="secondary">{t('fill.printHint')}</Typography.Text>}
          </Space>
        </div>
      )}
      {submission && <RevisionsDrawer submissionId={submission.id} open={historyOpen} onClose={() => setHistoryOpen(false)} />}
    </Space>
  );
}

/** "已自动保存 14:02:31", "正在保存…", "有 2 处需修改，暂未保存" … */
function AutosaveStatus({ state }: { state: SaveState }) {
  const { t } = useTranslation();
  const text = (() => {
    switch (state.kind) {
      case 'idle':
        return t('fill.autosave.idle');
      case 'dirty':
        return t('fill.autosave.dirty');
      case 'saving':
        return t('fill.autosave.saving');
      case 'saved':
        return t('fill.autosave.saved', { time: state.at.toLocaleTimeString('zh-CN', { hour12: false }) });
      case 'invalid':
        return t('fill.autosave.invalid', { count: state.count });
      case 'error':
        return t('fill.autosave.error', { message: state.message });
      case 'conflict':
        return t('fill.autosave.conflict');
    }
  })();
  const type = state.kind === 'invalid' || state.kind === 'error' || state.kind === 'conflict' ? 'danger' : state.kind === 'saved' ? 'success' : 'secondary';
  return (
    <Typography.Text type={type} data-testid="autosave-status" data-state={state.kind}>
      {state.kind === 'saved' && <CheckCircleOutlined style={{ marginRight: 4 }} />}
      {text}
    </Typography.Text>
  );
}

/** What happened to the submission: 已报送 (late?, routed to), 已退回 with the comment, 已通过. */
function SubmissionOutcome({ submission }: { submission: SubmissionView }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const s = submission;
  if (s.status === 'draft') return null;
  const facts: string[] = [];
  if (s.submittedAt) facts.push(t('fill.submittedAt', { time: formatDateTime(s.submittedAt, language) }));
  if (s.lateHours > 0) facts.push(t('fill.lateHours', { hours: s.lateHours }));
  if (s.routedTo) facts.push(t('fill.routedTo', { name: s.routedTo }));
  // A comment belongs to the review that made it: not shown again once the unit resubmits.
  const general = s.status === 'returned' || s.status === 'accepted' ? s.reviewComments?.general : null;
  const type = s.status === 'accepted' ? 'success' : s.status === 'returned' ? 'warning' : 'info';
  const title = t(`fill.outcome.${s.status}`);
  return (
    <Alert
      type={type}
      showIcon
      data-testid="submission-outcome"
      title={
        <Space wrap size={6}>
          <strong>{title}</strong>
          {facts.length > 0 && <span>{facts.join('；')}</span>}
          {s.lateHours > 0 && <Tag color="red">{t('collect.lateTag', { hours: s.lateHours })}</Tag>}
        </Space>
      }
      description={
        general ? (
          <span>
            {t('fill.reviewComment')}
            <span data-testid="review-comment" style={{ whiteSpace: 'pre-wrap' }}>
              {general}
            </span>
          </span>
        ) : s.status === 'returned' ? (
          t('fill.returnedHint')
        ) : undefined
      }
    />
  );
}

