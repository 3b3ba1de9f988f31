import { ArrowRightOutlined, ReloadOutlined, TeamOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Input, Modal, Result, Select, Space, Spin, Steps, Switch, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { evaluationStages, nextStage } from '../../../shared/domain/evaluation';
import { ApiError } from '../../api/client';
import { advanceStage, fetchRound, proposeCandidates, rememberRound, selectionKeys, setCandidateReviewers, setEligibility } from '../../api/selection';
import type { RoundCandidate, RoundStage, RoundView } from '../../api/types';
import { useErrorText, useReportError } from '../../lib/errors';
import { useRequiredSession } from '../../session/session';
import { AnnouncedCard, PublicityCard, ResultsCard, ReviewersCard } from './evaluation-sections';
import { replaceQueryData } from '../../lib/query-data';

export const stageIndex = (stage: RoundStage) => evaluationStages.indexOf(stage);

/** /evaluations/:id — one round, stage by stage: eligibility, review, decision, publicity, announced. */
export default function EvaluationPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const session = useRequiredSession();
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const round = useQuery({ queryKey: selectionKeys.round(id), queryFn: () => fetchRound(id), enabled: valid, staleTime: 0 });
  const data = round.data;
  useEffect(() => {
    if (data) rememberRound(session.user.id, data);
  }, [data, session.user.id]);

  if (!valid) return <Result status="404" title={t('app.notFound')} />;
  if (round.isError && !data) {
    const status = round.error instanceof ApiError ? round.error.status : 0;
    return <Result status={status === 403 ? '403' : status === 404 ? '404' : 'error'} title={errorText(round.error)} />;
  }
  if (!data) return <Spin />;
  const at = stageIndex(data.stage);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="evaluation-page">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="evaluation-title-text">
          {data.title}
          <Typography.Text type="secondary" style={{ fontSize: 14, marginLeft: 12 }}>
            {data.unitName} · #{data.id}
          </Typography.Text>
        </Typography.Title>
        <Tooltip title={t('common.refresh')}>
          <Button icon={<ReloadOutlined />} aria-label={t('common.refresh')} onClick={() => void round.refetch()} />
        </Tooltip>
      </Space>
      <StageBar round={data} />
      <CandidatesCard round={data} />
      <ReviewersCard round={data} />
      {at >= stageIndex('review') && <ResultsCard round={data} />}
      {at >= stageIndex('publicity') && <PublicityCard round={data} />}
      {at >= stageIndex('announced') && <AnnouncedCard round={data} />}
    </Space>
  );
}

function StageBar({ round }: { round: RoundView }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const queryClient = useQueryClient();
  const reportError = useReportError();
  const next = nextStage(round.stage);
  const advance = useMutation({
    mutationFn: (to: RoundStage) => advanceStage(round.id, to),
    onSuccess: async (updated) => {
      await replaceQueryData(queryClient, selectionKeys.round(round.id), updated);
      void queryClient.invalidateQueries({ queryKey: selectionKeys.results(round.id) });
      void message.success(t('evaluation.stageChanged', { stage: t(`evaluation.stages.${updated.stage}`) }));
    },
    onError: (error) => reportError(error),
  });
  return (
    <Card size="small">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Steps
          size="small"
          current={stageIndex(round.stage)}
          items={evaluationStages.map((s) => ({ key: s, title: t(`evaluation.stages.${s}`) }))}
        />
        <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
          <Space wrap>
            <Typography.Text>{t('evaluation.currentStage')}</Typography.Text>
            <Tag color="blue" data-testid="evaluation-stage" data-stage={round.stage}>
              {t(`evaluation.stages.${round.stage}`)}
            </Tag>
            <Typography.Text type="secondary">{t(`evaluation.stageHints.${round.stage}`)}</Typography.Text>
          </Space>
          {next && (
            <Button
              type="primary"
              icon={<ArrowRightOutlined />}
              loading={advance.isPending}
              data-testid="evaluation-next-stage"
              onClick={() =>
                modal.confirm({
                  title: t('evaluation.nextStageConfirm', { stage: t(`evaluation.stages.${next}`) }),
                  content: t(`evaluation.nextStageContent.${next}`),
                  okText: t('common.confirm'),
                  cancelText: t('common.cancel'),
                  okButtonProps: { 'data-testid': 'evaluation-next-stage-confirm' },
                  onOk: () => advance.mutateAsync(next).catch(() => undefined),
                })
              }
            >
              {t('evaluation.nextStage', { stage: t(`evaluation.stages.${next}`) })}
            </Button>
          )}
        </Space>
      </Space>
    </Card>
  );
}

const recordKeys = ['activitiesHeld', 'onTime', 'lateHours', 'subtreeCompletionRate', 'recommendedUp', 'mediaCoverage'] as const;

function UnitRecord({ record }: { record: Record<string, number> }) {
  const { t } = useTranslation();
  const shown = recordKeys.filter((k) => record[k] !== undefined);
  if (shown.length === 0) return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
  return (
    <Space size={[4, 4]} wrap data-testid="candidate-record">
      {shown.map((k) => {
        const v = record[k]!;
        const value = k === 'onTime' ? (v ? t('common.yes') : t('common.no')) : k === 'subtreeCompletionRate' ? `${v}%` : String(v);
        return (
          <Tag key={k} color={k === 'lateHours' && v > 0 ? 'orange' : undefined}>
            {t(`evaluation.record.${k}`)} {value}
          </Tag>
        );
      })}
    </Space>
  );
}

function EligibilitySwitch({ round, candidate }: { round: RoundView; candidate: RoundCandidate }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const reportError = useReportError();
  const [noteOpen, setNoteOpen] = useState(false);
  const [note, setNote] = useState(candidate.eligibilityNote ?? '');
  const editable = round.stage === 'eligibility';
  const save = useMutation({
    mutationFn: (body: { eligible: boolean; note: string }) => setEligibility(candidate.id, { ...body, version: candidate.version }),
    onSuccess: () => {
      setNoteOpen(false);
      void queryClient.invalidateQueries({ queryKey: selectionKeys.round(round.id) });
    },
    onError: (error) => reportError(error),
  });
  return (
    <Space orientation="vertical" size={2}>
      <Space size={6}>
        <Switch
          size="small"
          checked={candidate.eligible === true}
          disabled={!editable}
          loading={save.isPending}
          onChange={(eligible) => save.mutate({ eligible, note: note.trim() })}
          data-testid="candidate-eligible"
          data-eligible={candidate.eligible === null ? 'pending' : String(candidate.eligible)}
        />
        <Tag color={candidate.eligible === null ? 'default' : candidate.eligible ? 'green' : 'red'}>
          {t(candidate.eligible === null ? 'evaluation.eligibility.pending' : candidate.eligible ? 'evaluation.eligibility.yes' : 'evaluation.eligibility.no')}
        </Tag>
        {editable && (
          <Button type="link" size="small" onClick={() => setNoteOpen(true)} data-testid="candidate-note-open">
            {t('evaluation.note')}
          </Button>
        )}
      </Space>
      {candidate.eligibilityNote && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {candidate.eligibilityNote}
        </Typography.Text>
      )}
      {noteOpen && (
        <Modal
          open
          title={t('evaluation.noteTitle', { title: candidate.title })}
          onCancel={() => setNoteOpen(false)}
          footer={
            <Space>
              <Button onClick={() => setNoteOpen(false)}>{t('common.cancel')}</Button>
              <Button danger loading={save.isPending} onClick={() => save.mutate({ eligible: false, note: note.trim() })} data-testid="candidate-ineligible-save">
                {t('evaluation.markIneligible')}
              </Button>
              <Button type="primary" loading={save.isPending} onClick={() => save.mutate({ eligible: true, note: note.trim() })} data-testid="candidate-eligible-save">
                {t('evaluation.markEligible')}
              </Button>
            </Space>
          }
        >
          <Input.TextArea value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} showCount autoSize={{ minRows: 3 }} placeholder={t('evaluation.notePlaceholder')} data-testid="candidate-note" />
        </Modal>
      )}
    </Space>
  );
}

function CandidateReviewersModal({ round, candidate, onClose }: { round: RoundView; candidate: RoundCandidate; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorText = useErrorText();
  const [userIds, setUserIds] = useState<number[]>(candidate.reviewers.map((r) => r.userId));
  const save = useMutation({
    mutationFn: () => setCandidateReviewers(candidate.id, userIds, candidate.version),
    onSuccess: () => {
      void message.success(t('evaluation.candidateReviewersSaved'));
      void queryClient.invalidateQueries({ queryKey: selectionKeys.round(round.id) });
      onClose();
    },
  });
  return (
    <Modal
      open
      title={t('evaluation.candidateReviewersTitle', { title: candidate.title })}
      onCancel={onClose}
      onOk={() => save.mutate()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'candidate-reviewers-save' }}
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('evaluation.conflictHint')}</Typography.Text>
        <Select
          mode="multiple"
          style={{ width: '100%' }}
          value={userIds}
          onChange={setUserIds}
          data-testid="candidate-reviewers-select"
          options={round.reviewers.map((r) => ({ value: r.userId, label: `${r.name}（${r.unitName}）` }))}
          notFoundContent={t('evaluation.noReviewersYet')}
        />
        {save.isError && <Alert type="error" showIcon title={errorText(save.error)} data-testid="candidate-reviewers-error" />}
      </Space>
    </Modal>
  );
}

function CandidatesCard({ round }: { round: RoundView }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const reportError = useReportError();
  const [assigning, setAssigning] = useState<RoundCandidate | null>(null);
  const categories = new Map(round.categories.map((c) => [c.id, c]));
  const propose = useMutation({
    mutationFn: () => proposeCandidates(round.id),
    onSuccess: ({ added }) => {
      void message.success(t('evaluation.proposed', { count: added }));
      void queryClient.invalidateQueries({ queryKey: selectionKeys.round(round.id) });
    },
    onError: (error) => reportError(error),
  });
  const canAssign = round.stage === 'eligibility' || round.stage === 'review';

  const columns: TableColumnsType<RoundCandidate> = [
    {
      key: 'title',
      title: t('evaluation.candidate'),
      render: (_: unknown, c) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{c.title}</Typography.Text>
          {c.activityId !== null && <Typography.Text type="secondary">{c.unitName}</Typography.Text>}
        </Space>
      ),
    },
    {
      key: 'category',
      title: t('evaluation.category'),
      width: 140,
      filters: round.categories.map((c) => ({ text: c.name, value: c.id })),
      onFilter: (value, c) => c.categoryId === value,
      render: (_: unknown, c) => categories.get(c.categoryId)?.name ?? c.categoryId,
    },
    { key: 'record', title: t('evaluation.unitRecord'), width: 300, render: (_: unknown, c) => <UnitRecord record={c.record} /> },
    { key: 'eligible', title: t('evaluation.eligible'), width: 220, render: (_: unknown, c) => <EligibilitySwitch round={round} candidate={c} /> },
    {
      key: 'reviewers',
      title: t('evaluation.assignedReviewers'),
      width: 240,
      render: (_: unknown, c) => (
        <Space size={[4, 4]} wrap>
          {c.reviewers.map((r) => (
            <Tag key={r.userId} color={r.declined ? 'red' : r.submitted ? 'green' : 'default'} data-testid="candidate-reviewer">
              {r.name}
              {r.declined ? ` · ${t('evaluation.declined')}` : r.submitted ? ` · ${t('evaluation.scored')}` : ''}
            </Tag>
          ))}
          {canAssign && c.eligible !== false && (
            <Button size="small" type="link" icon={<TeamOutlined />} onClick={() => setAssigning(c)} data-testid="candidate-reviewers-open">
              {t('evaluation.assignByHand')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  const pending = round.candidates.filter((c) => c.eligible === null).length;
  return (
    <Card
      size="small"
      title={t('evaluation.candidatesTitle', { count: round.candidates.length })}
      extra={
        round.stage === 'eligibility' && (
          <Button icon={<ThunderboltOutlined />} loading={propose.isPending} onClick={() => propose.mutate()} data-testid="evaluation-propose">
            {t('evaluation.propose')}
          </Button>
        )
      }
    >
      {round.stage === 'eligibility' && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {round.sourceTaskId ? t('evaluation.proposeHint') : t('evaluation.proposeNoSource')}
          {pending > 0 && ` ${t('evaluation.pendingEligibility', { count: pending })}`}
        </Typography.Paragraph>
      )}
      <Table<RoundCandidate>
        size="small"
        rowKey="id"
        data-testid="candidates-table"
        dataSource={round.candidates}
        columns={columns}
        onRow={(c) => ({ 'data-testid': 'candidate-row', 'data-candidate-id': c.id, 'data-category-id': c.categoryId }) as HTMLAttributes<HTMLElement>}
        pagination={{ pageSize: 20, showTotal: (total) => t('common.total', { count: total }) }}
        scroll={{ x: 1100 }}
        locale={{ emptyText: t('evaluation.noCandidates') }}
      />
      {assigning && <CandidateReviewersModal round={round} candidate={assigning} onClose={() => setAssigning(null)} />}
    </Card>
  );
}
