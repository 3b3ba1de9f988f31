import { CheckOutlined, FileTextOutlined, LinkOutlined, SaveOutlined, ScheduleOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Descriptions, Input, InputNumber, Modal, Progress, Select, Space, Spin, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import {
  assignReviewers,
  createCommendation,
  decide,
  fetchObjections,
  fetchResults,
  resolveObjection,
  roundLinks,
  selectionKeys,
  setRoundReviewers,
} from '../../api/selection';
import type { ObjectionView, ResultsView, RoundView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { CopyButton } from '../../components/copy-button';
import { PersonalDataExportButton } from '../../components/personal-data-export-button';
import { useErrorText, useReportError } from '../../lib/errors';
import { formatDateTime } from '../../lib/labels';
import { useDebounced } from '../../lib/use-debounced';

type Reviewer = RoundView['reviewers'][number];
interface ExpertChoice {
  userId: number;
  name: string;
  unitName: string;
}

/** 评审专家: choose the round's experts, assign them (balanced, conflicts excluded), follow their progress. */
export function ReviewersCard({ round }: { round: RoundView }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const reportError = useReportError();
  const errorText = useErrorText();
  const [userIds, setUserIds] = useState<number[]>(() => round.reviewers.map((r) => r.userId));
  // Names of the experts chosen so far (search results change as one types).
  const [known, setKnown] = useState(() => new Map<number, string>(round.reviewers.map((r) => [r.userId, `${r.name}（${r.unitName}）`])));
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const [perCandidate, setPerCandidate] = useState<number | null>(3);
  const [shortfall, setShortfall] = useState<number[] | null>(null);
  const editable = round.stage === 'eligibility' || round.stage === 'review';

  // The organiser's experts come from the round itself: campaign managers may not list accounts.
  const users = useQuery({
    queryKey: ['evaluation-rounds', round.id, 'expert-choices', q],
    queryFn: () => api.get<ExpertChoice[]>(`/evaluation-rounds/${round.id}/expert-choices`, { query: { q: q || undefined } }),
    enabled: editable,
    retry: false,
  });
  const experts = users.data ?? [];
  const labels = new Map(known);
  for (const u of experts) labels.set(u.userId, `${u.name}（${u.unitName}）`);
  const options = [...new Set([...userIds, ...experts.map((u) => u.userId)])].map((id) => ({ value: id, label: labels.get(id) ?? `#${id}` }));
  const choose = (ids: number[]) => {
    setKnown(new Map([...known, ...ids.filter((id) => labels.has(id)).map((id): [number, string] => [id, labels.get(id)!])]));
    setUserIds(ids);
    // The search is controlled: start the next search afresh once an expert is taken.
    setText('');
  };

  const refresh = () => void queryClient.invalidateQueries({ queryKey: selectionKeys.round(round.id) });
  const save = useMutation({
    mutationFn: () => setRoundReviewers(round.id, userIds, round.version),
    onSuccess: () => {
      void message.success(t('evaluation.reviewersSaved', { count: userIds.length }));
      refresh();
    },
    onError: (error) => reportError(error),
  });
  const assign = useMutation({
    mutationFn: () => assignReviewers(round.id, perCandidate ?? 1),
    onSuccess: (result) => {
      setShortfall(result.shortfall);
      void message.success(t('evaluation.assigned', { count: result.assignments }));
      refresh();
    },
    onError: (error) => reportError(error),
  });
  const titles = new Map(round.candidates.map((c) => [c.id, c.title]));

  const columns: TableColumnsType<Reviewer> = [
    { key: 'name', title: t('evaluation.reviewer'), render: (_: unknown, r) => r.name },
    { key: 'unit', dataIndex: 'unitName', title: t('evaluation.reviewerUnit') },
    { key: 'assigned', dataIndex: 'assigned', title: t('evaluation.assignedCount'), align: 'right', width: 90 },
    { key: 'submitted', dataIndex: 'submitted', title: t('evaluation.submittedCount'), align: 'right', width: 90 },
    {
      key: 'progress',
      title: t('evaluation.progress'),
      width: 180,
      render: (_: unknown, r) => <Progress size="small" percent={r.assigned === 0 ? 0 : Math.round((r.submitted / r.assigned) * 100)} />,
    },
  ];

  return (
    <Card size="small" title={t('evaluation.reviewersTitle', { count: round.reviewers.length })}>
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        {editable && (
          <>
            <Space.Compact style={{ width: '100%', maxWidth: 820 }}>
              <Select
                mode="multiple"
                style={{ width: '100%' }}
                value={userIds}
                onChange={choose}
                options={options}
                showSearch={{ filterOption: false, onSearch: setText, searchValue: text }}
                placeholder={t('evaluation.reviewersPlaceholder')}
                loading={users.isFetching}
                notFoundContent={users.isFetching ? <Spin size="small" /> : t('evaluation.noExperts')}
                data-testid="reviewers-select"
              />
              <Button type="primary" icon={<SaveOutlined />} loading={save.isPending} onClick={() => save.mutate()} data-testid="reviewers-save">
                {t('evaluation.saveReviewers')}
              </Button>
            </Space.Compact>
            {users.isError && <Alert type="warning" showIcon title={t('evaluation.usersUnavailable', { error: errorText(users.error) })} />}
            <Space wrap>
              <Typography.Text>{t('evaluation.perCandidate')}</Typography.Text>
              <InputNumber min={1} max={20} precision={0} value={perCandidate} onChange={setPerCandidate} style={{ width: 80 }} data-testid="assign-per-candidate" />
              <Button icon={<ScheduleOutlined />} loading={assign.isPending} disabled={round.reviewers.length === 0} onClick={() => assign.mutate()} data-testid="assign-submit">
                {t('evaluation.assignAuto')}
              </Button>
              <Typography.Text type="secondary">{t('evaluation.assignHint')}</Typography.Text>
            </Space>
            {shortfall && shortfall.length > 0 && (
              <Alert
                type="warning"
                showIcon
                data-testid="assign-shortfall"
                title={t('evaluation.shortfall', { count: shortfall.length })}
                description={shortfall.map((id) => titles.get(id) ?? `#${id}`).join('、')}
              />
            )}
          </>
        )}
        <Table<Reviewer>
          size="small"
          rowKey="userId"
          data-testid="reviewers-table"
          dataSource={round.reviewers}
          columns={columns}
          pagination={false}
          onRow={() => ({ 'data-testid': 'reviewer-row' }) as HTMLAttributes<HTMLElement>}
          locale={{ emptyText: t('evaluation.noReviewersYet') }}
        />
      </Space>
    </Card>
  );
}

/** 汇总排名 and, at the decision stage, the list chosen per category within its places. */
export function ResultsCard({ round }: { round: RoundView }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const results = useQuery({ queryKey: selectionKeys.results(round.id), queryFn: () => fetchResults(round.id), staleTime: 0 });
  return (
    <Card size="small" title={t('evaluation.resultsTitle')} extra={<Button size="small" onClick={() => void results.refetch()}>{t('common.refresh')}</Button>}>
      {results.isError && <Alert type="error" showIcon title={errorText(results.error)} />}
      {!results.data ? (
        <Spin />
      ) : (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          {results.data.map((category) => (
            <CategoryResults key={category.categoryId} round={round} category={category} />
          ))}
        </Space>
      )}
    </Card>
  );
}

type CategoryResult = ResultsView[number];
type Ranked = CategoryResult['ranking'][number];

function CategoryResults({ round, category }: { round: RoundView; category: CategoryResult }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorText = useErrorText();
  const [chosen, setChosen] = useState<number[]>(() => category.ranking.filter((r) => r.selected).map((r) => r.candidateId));
  const deciding = round.stage === 'decision';
  const save = useMutation({
    mutationFn: () => decide(round.id, category.categoryId, chosen, round.version),
    onSuccess: () => {
      void message.success(t('evaluation.decisionSaved', { name: category.categoryName, count: chosen.length }));
      void queryClient.invalidateQueries({ queryKey: selectionKeys.results(round.id) });
      void queryClient.invalidateQueries({ queryKey: selectionKeys.round(round.id) });
    },
  });
  const columns: TableColumnsType<Ranked> = [
    {
      key: 'rank',
      title: t('evaluation.rank'),
      width: 110,
      render: (_: unknown, r) => (
        <Space size={4}>
          <span>{r.rank ?? '—'}</span>
          {r.tied && (
            <Tag color="orange" data-testid="result-tied">
              {t('evaluation.tied')}
            </Tag>
          )}
        </Space>
      ),
    },
    { key: 'title', dataIndex: 'title', title: t('evaluation.candidate') },
    { key: 'unit', dataIndex: 'unitName', title: t('evaluation.unit'), width: 160 },
    { key: 'score', title: t('evaluation.score'), width: 100, align: 'right', render: (_: unknown, r) => (r.score === null ? '—' : r.score.toFixed(2)) },
    { key: 'reviews', dataIndex: 'reviews', title: t('evaluation.reviews'), width: 90, align: 'right' },
    {
      key: 'selected',
      title: t('evaluation.selected'),
      width: 90,
      render: (_: unknown, r) => (r.selected ? <Tag color="green" icon={<CheckOutlined />}>{t('evaluation.selectedTag')}</Tag> : null),
    },
  ];
  return (
    <div>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {category.categoryName}
        <Typography.Text type="secondary" style={{ fontSize: 13, marginLeft: 8, fontWeight: 400 }}>
          {t('evaluation.placesText', { places: category.places })}
        </Typography.Text>
      </Typography.Title>
      <Table<Ranked>
        size="small"
        rowKey="candidateId"
        data-testid="results-table"
        dataSource={category.ranking}
        columns={columns}
        pagination={false}
        onRow={(r) =>
          ({ 'data-testid': 'result-row', 'data-candidate-id': r.candidateId, 'data-rank': r.rank ?? '', 'data-tied': r.tied ? 'true' : 'false' }) as HTMLAttributes<HTMLElement>
        }
        locale={{ emptyText: t('evaluation.noResults') }}
      />
      {deciding && (
        <Space orientation="vertical" style={{ width: '100%', marginTop: 8 }}>
          <Space.Compact style={{ width: '100%', maxWidth: 820 }}>
            <Select
              mode="multiple"
              style={{ width: '100%' }}
              value={chosen}
              onChange={setChosen}
              placeholder={t('evaluation.decisionPlaceholder', { places: category.places })}
              data-testid={`decision-select-${category.categoryId}`}
              options={category.ranking.map((r) => ({ value: r.candidateId, label: `${r.rank ?? '—'}. ${r.title}${r.score !== null ? `（${r.score.toFixed(2)}）` : ''}` }))}
            />
            <Button type="primary" loading={save.isPending} onClick={() => save.mutate()} data-testid={`decision-save-${category.categoryId}`}>
              {t('evaluation.saveDecision')}
            </Button>
          </Space.Compact>
          <Typography.Text type={chosen.length > category.places ? 'danger' : 'secondary'}>
            {t('evaluation.decisionCount', { count: chosen.length, places: category.places })}
          </Typography.Text>
          {save.isError && <Alert type="error" showIcon title={errorText(save.error)} data-testid="decision-error" />}
        </Space>
      )}
    </div>
  );
}

/** 公示: the window, the public link, and the objections received with their resolutions. */
export function PublicityCard({ round }: { round: RoundView }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const errorText = useErrorText();
  const objections = useQuery({ queryKey: selectionKeys.objections(round.id), queryFn: () => fetchObjections(round.id), staleTime: 0 });
  const [resolving, setResolving] = useState<ObjectionView | null>(null);
  const publicUrl = `${window.location.origin}${roundLinks.publicity(round.id)}`;

  const columns: TableColumnsType<ObjectionView> = [
    { key: 'candidate', dataIndex: 'candidateTitle', title: t('evaluation.objectionCandidate'), width: 200 },
    { key: 'content', dataIndex: 'content', title: t('evaluation.objectionContent') },
    { key: 'contact', title: t('evaluation.objectionContact'), width: 150, render: (_: unknown, o) => o.contact ?? t('common.none') },
    { key: 'receivedAt', title: t('evaluation.receivedAt'), width: 170, render: (_: unknown, o) => formatDateTime(o.receivedAt, language) },
    {
      key: 'resolution',
      title: t('evaluation.resolution'),
      width: 260,
      render: (_: unknown, o) =>
        o.resolvedAt ? (
          <Space orientation="vertical" size={0}>
            <Tag color={o.upheld ? 'red' : 'green'}>{o.upheld ? t('evaluation.upheld') : t('evaluation.rejected')}</Tag>
            <Typography.Text>{o.resolution}</Typography.Text>
          </Space>
        ) : (
          <Button size="small" type="primary" onClick={() => setResolving(o)} data-testid="objection-resolve">
            {t('evaluation.resolve')}
          </Button>
        ),
    },
  ];

  return (
    <Card size="small" title={t('evaluation.publicityTitle')}>
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          items={[
            {
              key: 'window',
              label: t('evaluation.publicityWindow'),
              children: (
                <span data-testid="publicity-window-admin">
                  {formatDateTime(round.publicityStartsAt, language)} — {formatDateTime(round.publicityEndsAt, language)}
                </span>
              ),
            },
            {
              key: 'link',
              label: t('evaluation.publicLink'),
              children: (
                <Space wrap size={4}>
                  <a href={roundLinks.publicity(round.id)} target="_blank" rel="noopener noreferrer" data-testid="publicity-link">
                    <LinkOutlined /> {publicUrl}
                  </a>
                  <CopyButton size="small" text={publicUrl} />
                </Space>
              ),
            },
          ]}
        />
        {objections.isError && <Alert type="error" showIcon title={errorText(objections.error)} />}
        <Table<ObjectionView>
          size="small"
          rowKey="id"
          data-testid="objections-table"
          loading={objections.isFetching}
          dataSource={objections.data ?? []}
          columns={columns}
          pagination={false}
          scroll={{ x: 1000 }}
          onRow={(o) => ({ 'data-testid': 'objection-row', 'data-resolved': o.resolvedAt ? 'true' : 'false' }) as HTMLAttributes<HTMLElement>}
          locale={{ emptyText: t('evaluation.noObjections') }}
        />
      </Space>
      {resolving && <ResolveModal roundId={round.id} objection={resolving} onClose={() => setResolving(null)} />}
    </Card>
  );
}

function ResolveModal({ roundId, objection, onClose }: { roundId: number; objection: ObjectionView; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorText = useErrorText();
  const [resolution, setResolution] = useState('');
  const [upheld, setUpheld] = useState(false);
  const [touched, setTouched] = useState(false);
  const save = useMutation({
    mutationFn: () => resolveObjection(objection.id, { resolution: resolution.trim(), upheld }),
    onSuccess: () => {
      void message.success(t('evaluation.resolved'));
      void queryClient.invalidateQueries({ queryKey: selectionKeys.objections(roundId) });
      void queryClient.invalidateQueries({ queryKey: selectionKeys.round(roundId) });
      onClose();
    },
  });
  const tooShort = resolution.trim().length < 2;
  return (
    <Modal
      open
      title={t('evaluation.resolveTitle', { title: objection.candidateTitle })}
      onCancel={onClose}
      footer={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={save.isPending}
            data-testid="objection-resolve-submit"
            onClick={() => {
              setTouched(true);
              if (!tooShort) save.mutate();
            }}
          >
            {t('evaluation.resolveSubmit')}
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {objection.content}
        </Typography.Paragraph>
        <Typography.Text strong>{t('evaluation.resolution')}</Typography.Text>
        <Input.TextArea
          value={resolution}
          onChange={(e) => setResolution(e.target.value)}
          maxLength={2000}
          showCount
          autoSize={{ minRows: 3 }}
          status={touched && tooShort ? 'error' : undefined}
          placeholder={t('evaluation.resolutionPlaceholder')}
          data-testid="objection-resolution"
        />
        {touched && tooShort && <Typography.Text type="danger">{t('evaluation.resolutionRequired')}</Typography.Text>}
        <Checkbox checked={upheld} onChange={(e) => setUpheld(e.target.checked)} data-testid="objection-upheld">
          {t('evaluation.upheldLabel')}
        </Checkbox>
        {save.isError && <Alert type="error" showIcon title={errorText(save.error)} />}
      </Space>
    </Modal>
  );
}

/** 表彰: draft the 通报表扬 notice, download the plaque mailing list and the address labels. */
export function AnnouncedCard({ round }: { round: RoundView }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const reportError = useReportError();
  const [noticeId, setNoticeId] = useState<number | null>(round.commendationNoticeId);
  const create = useMutation({
    mutationFn: () => createCommendation(round.id),
    onSuccess: (result) => {
      setNoticeId(result.noticeId);
      void message.success(t('evaluation.commendationCreated'));
      void queryClient.invalidateQueries({ queryKey: selectionKeys.round(round.id) });
    },
    onError: (error) => reportError(error),
  });
  return (
    <Card size="small" title={t('evaluation.announcedTitle')}>
      <Space wrap>
        {noticeId === null ? (
          <Button type="primary" icon={<FileTextOutlined />} loading={create.isPending} onClick={() => create.mutate()} data-testid="commendation-create">
            {t('evaluation.createCommendation')}
          </Button>
        ) : (
          <Link to={`/notices/${noticeId}/edit`} data-testid="commendation-link">
            <Button type="primary" icon={<FileTextOutlined />}>
              {t('evaluation.openCommendation')}
            </Button>
          </Link>
        )}
        <PersonalDataExportButton path={roundLinks.mailingXlsx(round.id).replace('/api/v1', '')} fallbackName="牌匾邮寄信息.xlsx" label={t('evaluation.mailingXlsx')} testId="mailing-xlsx" />
        <PersonalDataExportButton path={roundLinks.labelsPdf(round.id).replace('/api/v1', '')} fallbackName="邮寄标签.pdf" label={t('evaluation.mailingLabels')} testId="mailing-labels" />
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
        {t('evaluation.mailingHint')}
      </Typography.Paragraph>
    </Card>
  );
}
