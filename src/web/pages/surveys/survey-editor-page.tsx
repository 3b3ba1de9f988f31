import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import type { SurveyQuestion, SurveyQuestionKind } from '../../../shared/forms/survey';
import { surveyQuestionKinds } from '../../../shared/forms/survey';
import { youngWorkersSurvey } from '../../../shared/forms/survey-templates';
import { api, ApiError } from '../../api/client';
import { useErrorText } from '../../lib/errors';
import { useRequiredSession } from '../../session/session';

interface SurveyView {
  id: number;
  unitId: number;
  title: string;
  intro: string;
  status: 'draft' | 'published' | 'closed';
  opensAt: string;
  closesAt: string;
  questions: SurveyQuestion[];
  targetRegions: { code: string; name: string }[];
  version: number;
}

const CHINA_OFFSET_MS = 8 * 3600 * 1000;
/** datetime-local values are China time (UTC+8), as the offices read them. */
const toLocal = (iso: string) => new Date(new Date(iso).getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 16);
const fromLocal = (local: string) => `${local}:00+08:00`;
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

function blankQuestion(kind: SurveyQuestionKind, key: string): SurveyQuestion {
  const base = { key, label: '', required: true };
  switch (kind) {
    case 'single_choice':
      return { ...base, kind, options: ['', ''] };
    case 'multi_choice':
      return { ...base, kind, options: ['', ''] };
    case 'scale':
      return { ...base, kind };
    case 'matrix':
      return { ...base, kind, rows: [''] };
    case 'text':
      return { ...base, kind, maxWords: 200, required: false };
    case 'region':
      return { ...base, kind };
    case 'unit_type':
      return { ...base, kind };
    case 'contact':
      return { ...base, kind, required: false };
  }
}

/** /surveys/new and /surveys/:id/edit — the campaign manager builds the questions, window and target regions. */
export default function SurveyEditorPage() {
  const { t } = useTranslation();
  const params = useParams();
  const id = params.id ? Number(params.id) : null;
  const navigate = useNavigate();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const session = useRequiredSession();
  const units = [...new Map(session.grants.filter((g) => g.role === 'campaign_manager' || g.role === 'system_admin').map((g) => [g.unitId, g.unitName])).entries()];
  const [unitId, setUnitId] = useState<number>(units[0]?.[0] ?? session.user.unitId);
  const [title, setTitle] = useState('');
  const [intro, setIntro] = useState('');
  const [opensAt, setOpensAt] = useState(() => toLocal(new Date().toISOString()));
  const [closesAt, setClosesAt] = useState(() => toLocal(new Date(Date.now() + 30 * 86400 * 1000).toISOString()));
  const [regions, setRegions] = useState('');
  const [questions, setQuestions] = useState<SurveyQuestion[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const existing = useQuery({ queryKey: ['survey', id], queryFn: () => api.get<SurveyView>(`/surveys/${id}`), enabled: id !== null });
  const [loadedFor, setLoadedFor] = useState<number | null>(null);
  if (existing.data && loadedFor !== existing.data.id) {
    const s = existing.data;
    setLoadedFor(s.id);
    setUnitId(s.unitId);
    setTitle(s.title);
    setIntro(s.intro);
    setOpensAt(toLocal(s.opensAt));
    setClosesAt(toLocal(s.closesAt));
    setRegions(s.targetRegions.map((r) => r.code).join(' '));
    setQuestions(s.questions);
  }
  const frozen = existing.data !== undefined && existing.data.status !== 'draft';

  const save = useMutation({
    mutationFn: () => {
      const body = {
        unitId,
        title,
        intro,
        questions,
        targetRegions: regions.split(/[\s,，、]+/).filter(Boolean),
        opensAt: fromLocal(opensAt),
        closesAt: fromLocal(closesAt),
        ...(existing.data ? { version: existing.data.version } : {}),
      };
      return id === null ? api.post<SurveyView>('/surveys', body) : api.put<SurveyView>(`/surveys/${id}`, body);
    },
    onSuccess: async (saved) => {
      setProblems([]);
      await queryClient.invalidateQueries({ queryKey: ['surveys'] });
      await queryClient.invalidateQueries({ queryKey: ['survey', saved.id] });
      void navigate(`/surveys/${saved.id}`);
    },
    onError: (error) => setProblems(error instanceof ApiError && error.problem?.errors?.length ? error.problem.errors.map((e) => e.message) : [errorText(error)]),
  });

  const change = (i: number, patch: Partial<SurveyQuestion>) => setQuestions((qs) => qs.map((q, j) => (j === i ? ({ ...q, ...patch } as SurveyQuestion) : q)));
  const move = (i: number, by: number) =>
    setQuestions((qs) => {
      const next = [...qs];
      const [q] = next.splice(i, 1);
      next.splice(i + by, 0, q!);
      return next;
    });
  const nextKey = () => {
    let n = questions.length + 1;
    while (questions.some((q) => q.key === `q${n}`)) n++;
    return `q${n}`;
  };

  return (
    <Card title={id === null ? t('surveys.editor.newTitle') : t('surveys.editor.editTitle')} data-testid="survey-editor">
      {frozen && <Alert type="info" showIcon message={t('surveys.editor.frozen')} style={{ marginBottom: 16 }} />}
      <Form layout="vertical" disabled={frozen}>
        <Form.Item label={t('surveys.editor.unit')}>
          <Select value={unitId} onChange={setUnitId} options={units.map(([value, label]) => ({ value, label }))} data-testid="survey-unit" />
        </Form.Item>
        <Form.Item label={t('surveys.editor.title')} required>
          <Input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={100} data-testid="survey-title" />
        </Form.Item>
        <Form.Item label={t('surveys.editor.intro')}>
          <Input.TextArea value={intro} onChange={(e) => setIntro(e.target.value)} rows={3} maxLength={2000} data-testid="survey-intro" />
        </Form.Item>
        <Space wrap>
          <Form.Item label={t('surveys.editor.opensAt')} required>
            <Input type="datetime-local" value={opensAt} onChange={(e) => setOpensAt(e.target.value)} data-testid="survey-opens" />
          </Form.Item>
          <Form.Item label={t('surveys.editor.closesAt')} required>
            <Input type="datetime-local" value={closesAt} onChange={(e) => setClosesAt(e.target.value)} data-testid="survey-closes" />
          </Form.Item>
        </Space>
        <Form.Item label={t('surveys.editor.targetRegions')} required>
          <Input value={regions} onChange={(e) => setRegions(e.target.value)} placeholder="3702" data-testid="survey-regions" />
        </Form.Item>
        <Typography.Title level={5}>{t('surveys.editor.questions')}</Typography.Title>
        <Space style={{ marginBottom: 12 }} wrap>
          <Button
            onClick={() => {
              setQuestions(youngWorkersSurvey.questions);
              if (!title) setTitle(youngWorkersSurvey.title);
              if (!intro) setIntro(youngWorkersSurvey.intro);
            }}
            data-testid="survey-template"
          >
            {t('surveys.editor.fromTemplate')}
          </Button>
        </Space>
        {questions.map((q, i) => (
          <Card key={i} size="small" style={{ marginBottom: 12 }} data-testid="survey-question" title={`${i + 1}. ${t(`surveys.kinds.${q.kind}`)}`}
            extra={
              <Space>
                <Button size="small" disabled={frozen || i === 0} onClick={() => move(i, -1)}>
                  {t('surveys.editor.up')}
                </Button>
                <Button size="small" disabled={frozen || i === questions.length - 1} onClick={() => move(i, 1)}>
                  {t('surveys.editor.down')}
                </Button>
                <Button size="small" danger onClick={() => setQuestions((qs) => qs.filter((_, j) => j !== i))}>
                  {t('surveys.editor.remove')}
                </Button>
              </Space>
            }
          >
            <Form.Item label={t('surveys.editor.label')} required>
              <Input value={q.label} onChange={(e) => change(i, { label: e.target.value })} maxLength={120} data-testid="survey-question-label" />
            </Form.Item>
            {q.kind !== 'contact' && (
              <Checkbox checked={q.required} onChange={(e) => change(i, { required: e.target.checked } as Partial<SurveyQuestion>)}>
                {t('surveys.editor.required')}
              </Checkbox>
            )}
            {(q.kind === 'single_choice' || q.kind === 'multi_choice') && (
              <Form.Item label={t('surveys.editor.options')}>
                <Input.TextArea rows={4} value={q.options.join('\n')} onChange={(e) => change(i, { options: e.target.value.split('\n') } as Partial<SurveyQuestion>)} onBlur={() => change(i, { options: lines(q.options.join('\n')) } as Partial<SurveyQuestion>)} data-testid="survey-question-options" />
              </Form.Item>
            )}
            {q.kind === 'multi_choice' && (
              <Form.Item label={t('surveys.editor.maxSelected')}>
                <InputNumber min={1} max={30} value={q.maxSelected ?? null} onChange={(v) => change(i, { maxSelected: v ?? undefined } as Partial<SurveyQuestion>)} />
              </Form.Item>
            )}
            {q.kind === 'matrix' && (
              <Form.Item label={t('surveys.editor.rows')}>
                <Input.TextArea rows={3} value={q.rows.join('\n')} onChange={(e) => change(i, { rows: e.target.value.split('\n') } as Partial<SurveyQuestion>)} onBlur={() => change(i, { rows: lines(q.rows.join('\n')) } as Partial<SurveyQuestion>)} />
              </Form.Item>
            )}
            {q.kind === 'text' && (
              <Form.Item label={t('surveys.editor.maxWords')}>
                <InputNumber min={1} max={5000} value={q.maxWords} onChange={(v) => change(i, { maxWords: v ?? 200 } as Partial<SurveyQuestion>)} />
              </Form.Item>
            )}
          </Card>
        ))}
        <Space wrap style={{ marginBottom: 16 }}>
          <span>{t('surveys.editor.addQuestion')}：</span>
          {surveyQuestionKinds.map((kind) => (
            <Button key={kind} size="small" onClick={() => setQuestions((qs) => [...qs, blankQuestion(kind, nextKey())])} data-testid={`survey-add-${kind}`}>
              {t(`surveys.kinds.${kind}`)}
            </Button>
          ))}
        </Space>
      </Form>
      {problems.length > 0 && <Alert type="error" showIcon message={<ul style={{ margin: 0, paddingLeft: 18 }}>{problems.map((p, i) => <li key={i}>{p}</li>)}</ul>} style={{ marginBottom: 12 }} data-testid="survey-editor-errors" />}
      {!frozen && (
        <Button type="primary" loading={save.isPending} onClick={() => save.mutate()} data-testid="survey-save">
          {t('surveys.editor.save')}
        </Button>
      )}
    </Card>
  );
}
