import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { countWords } from '../../shared/domain/word-count';
import { validateSurveyAnswers, type ContactAnswer, type SurveyAnswer, type SurveyAnswers, type SurveyQuestion } from '../../shared/forms/survey';
import type { Problem } from '../../shared/contracts/common';
import { formatMessage, validationMessages, type Locale } from '../../shared/i18n/messages';
import { api, ApiError } from '../api/client';

interface RegionNode {
  code: string;
  name: string;
  parentCode: string | null;
  level: 'provincial' | 'city' | 'county';
}

interface PublicSurvey {
  title: string;
  intro: string;
  unitName: string;
  open: boolean;
  opensAt: string;
  closesAt: string;
  questions: SurveyQuestion[];
  regions: RegionNode[];
  unitTypes: string[];
  consentText: string;
}

type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; survey: PublicSurvey };

const deviceKey = 'huiju.survey.device';
const deviceCookie = 'huiju_survey_device';

function randomToken(bytes: number): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...data)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A UUID v4 from getRandomValues (crypto.randomUUID needs a secure context, which plain-http intranets are not). */
function randomUuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * The device's random token (decision 014): kept in localStorage and a first-party cookie, so a
 * device answers each survey once. The server keeps only a keyed hash of it, per survey.
 */
function deviceToken(): string {
  const storage = safeStorage();
  const fromCookie = new RegExp(`(?:^|; )${deviceCookie}=([A-Za-z0-9_-]{16,64})`).exec(document.cookie)?.[1];
  const token = storage?.getItem(deviceKey) ?? fromCookie ?? randomToken(16);
  storage?.setItem(deviceKey, token);
  document.cookie = `${deviceCookie}=${token}; Max-Age=31536000; Path=/; SameSite=Lax`;
  return token;
}

/**
 * Answers are sent without cookies: a signed-in manager previewing the page in the same browser
 * answers as the public does (no session, so no CSRF token is asked for), and no session is tied
 * to a response.
 */
async function postWithoutCookies<T>(path: string, body: unknown, language: Locale): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: 'POST',
      credentials: 'omit',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json', 'Accept-Language': language },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, null, undefined, 'network_error');
  }
  const data: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const problem = data && typeof data === 'object' && typeof (data as Problem).code === 'string' && typeof (data as Problem).detail === 'string' ? (data as Problem) : null;
    throw new ApiError(response.status, problem, data, `HTTP ${response.status}`);
  }
  return data as T;
}

const formatTime = (iso: string) => new Date(iso).toLocaleString('zh-CN', { dateStyle: 'medium', timeStyle: 'short' });

/**
 * /survey/:token — a published survey answered on a phone without an account. The same question
 * list and validation as the server (src/shared/forms/survey.ts) check before sending; the
 * server's refusal, if any, is shown under the question it names.
 */
export function SurveyPage({ token }: { token: string }) {
  const { t, i18n } = useTranslation();
  const locale: Locale = i18n.language === 'en' ? 'en' : 'zh-CN';
  const [load, setLoad] = useState<Load>(token ? { state: 'loading' } : { state: 'error', message: t('surveys.public.notFound') });
  const [answers, setAnswers] = useState<SurveyAnswers>({});
  const [consent, setConsent] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const doneKey = `huiju.survey.${token}.done`;
  const [receipt, setReceipt] = useState<string | null>(() => safeStorage()?.getItem(doneKey) ?? null);

  useEffect(() => {
    if (!token) return;
    let live = true;
    api
      .get<PublicSurvey>(`/public/surveys/${token}`, { anonymous: true })
      .then((survey) => {
        if (!live) return;
        setLoad({ state: 'ready', survey });
        document.title = `${t('surveys.documentTitle')} · ${survey.title}`;
      })
      .catch((error: unknown) => {
        if (live) setLoad({ state: 'error', message: error instanceof ApiError && error.status === 404 ? t('surveys.public.notFound') : t('common.networkError') });
      });
    return () => {
      live = false;
    };
  }, [token, t]);

  const survey = load.state === 'ready' ? load.survey : null;
  const counties = useMemo(() => new Map((survey?.regions ?? []).filter((r) => r.level === 'county').map((r) => [r.code, r.name])), [survey]);
  const set = (key: string, value: SurveyAnswer | undefined) => setAnswers((a) => ({ ...a, [key]: value }));

  const submit = async () => {
    if (!survey) return;
    const problems = validateSurveyAnswers(survey.questions, answers, consent, { counties });
    const shown: Record<string, string> = {};
    for (const p of problems) {
      const at = p.field === 'consent' ? 'consent' : p.field.split('.').slice(0, 2).join('.');
      shown[at] ??= formatMessage(validationMessages[locale][p.code], p.params);
    }
    setErrors(shown);
    if (problems.length) {
      setFormError(t('surveys.public.fixErrors', { count: Object.keys(shown).length }));
      return;
    }
    setFormError(null);
    setSubmitting(true);
    const storage = safeStorage();
    const keyName = `huiju.survey.${token}.responseKey`;
    // One key per filled form, kept until it succeeds: a retry after a lost answer is the same response.
    const responseKey = storage?.getItem(keyName) ?? randomUuid();
    storage?.setItem(keyName, responseKey);
    try {
      const result = await postWithoutCookies<{ receipt: string }>(`/public/surveys/${token}/responses`, { responseKey, deviceToken: deviceToken(), answers, consent }, locale);
      storage?.setItem(doneKey, result.receipt);
      storage?.removeItem(keyName);
      setReceipt(result.receipt);
      window.scrollTo(0, 0);
    } catch (error) {
      if (error instanceof ApiError && error.problem) {
        const fromServer: Record<string, string> = {};
        for (const e of error.problem.errors ?? []) fromServer[e.field === 'consent' ? 'consent' : e.field.split('.').slice(0, 2).join('.')] ??= e.message;
        setErrors(fromServer);
        setFormError(error.problem.detail);
        if (error.problem.code === 'survey_already_answered') setReceipt('');
      } else setFormError(t('common.networkError'));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <main className="hj-pub hj-survey" data-testid="survey-page">
      <div className="hj-pub-top">
        <span>{t('app.name')}</span>
      </div>
      {load.state === 'loading' && <p className="hj-pub-state">{t('surveys.public.loading')}</p>}
      {load.state === 'error' && <p className="hj-pub-state">{load.message}</p>}
      {survey && (
        <>
          <h1>{survey.title}</h1>
          <div className="hj-pub-meta">{t('surveys.public.organiser', { unit: survey.unitName })}</div>
          {receipt !== null ? (
            <section className="hj-pub-card hj-survey-done" data-testid="survey-done" role="status">
              <p>{receipt ? t('surveys.public.done') : t('surveys.public.alreadyDone')}</p>
              {receipt && <p>{t('surveys.public.receipt', { receipt })}</p>}
            </section>
          ) : !survey.open ? (
            <p className="hj-pub-state" data-testid="survey-closed">
              {t('surveys.public.notOpen', { opens: formatTime(survey.opensAt), closes: formatTime(survey.closesAt) })}
            </p>
          ) : (
            <form
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                void submit();
              }}
            >
              {survey.intro && <p className="hj-survey-intro">{survey.intro}</p>}
              <p className="hj-survey-note">{t('surveys.public.anonymous')}</p>
              {survey.questions.map((q, i) => (
                <Question
                  key={q.key}
                  number={i + 1}
                  question={q}
                  value={answers[q.key]}
                  onChange={(v) => set(q.key, v)}
                  error={errors[`answers.${q.key}`] ?? (q.kind === 'contact' ? errors.consent : undefined)}
                  survey={survey}
                  consent={consent}
                  onConsent={setConsent}
                />
              ))}
              {formError && (
                <p className="hj-survey-error hj-survey-form-error" role="alert" data-testid="survey-form-error">
                  {formError}
                </p>
              )}
              <button type="submit" className="hj-survey-submit" disabled={submitting} data-testid="survey-submit">
                {submitting ? t('surveys.public.submitting') : t('surveys.public.submit')}
              </button>
            </form>
          )}
        </>
      )}
    </main>
  );
}

interface QuestionProps {
  number: number;
  question: SurveyQuestion;
  value: SurveyAnswer | undefined;
  onChange: (value: SurveyAnswer | undefined) => void;
  error: string | undefined;
  survey: PublicSurvey;
  consent: boolean;
  onConsent: (value: boolean) => void;
}

function Question({ number, question: q, value, onChange, error, survey, consent, onConsent }: QuestionProps) {
  const { t } = useTranslation();
  const name = `q-${q.key}`;
  const choice = (options: readonly string[]) => (
    <div className="hj-survey-options">
      {options.map((o) => (
        <label key={o} className="hj-survey-option">
          <input type="radio" name={name} checked={value === o} onChange={() => onChange(o)} /> {o}
        </label>
      ))}
    </div>
  );
  let body: React.ReactNode = null;
  switch (q.kind) {
    case 'single_choice':
      body = choice(q.options);
      break;
    case 'unit_type':
      body = choice(survey.unitTypes);
      break;
    case 'multi_choice': {
      const picked = Array.isArray(value) ? (value as string[]) : [];
      body = (
        <div className="hj-survey-options">
          {q.options.map((o) => (
            <label key={o} className="hj-survey-option">
              <input type="checkbox" checked={picked.includes(o)} onChange={(e) => onChange(e.target.checked ? [...picked, o] : picked.filter((p) => p !== o))} /> {o}
            </label>
          ))}
        </div>
      );
      break;
    }
    case 'scale':
      body = <ScaleRow name={name} value={typeof value === 'number' ? value : null} onChange={onChange} low={q.lowLabel} high={q.highLabel} />;
      break;
    case 'matrix': {
      const points = Array.isArray(value) ? (value as (number | null)[]) : q.rows.map(() => null);
      body = (
        <div className="hj-survey-matrix">
          {q.rows.map((row, r) => (
            <div key={row} className="hj-survey-matrix-row">
              <div className="hj-survey-matrix-label">{row}</div>
              <ScaleRow name={`${name}-${r}`} value={points[r] ?? null} onChange={(p) => onChange(points.map((x, j) => (j === r ? (p as number) : x)))} low={q.scaleLabels?.[0] ?? '非常不满意'} high={q.scaleLabels?.[4] ?? '非常满意'} />
            </div>
          ))}
        </div>
      );
      break;
    }
    case 'text': {
      const text = typeof value === 'string' ? value : '';
      const count = countWords(text);
      body = (
        <>
          <textarea name={name} rows={4} value={text} onChange={(e) => onChange(e.target.value)} />
          <div className={count > q.maxWords ? 'hj-survey-count hj-survey-error' : 'hj-survey-count'}>{t('surveys.public.words', { count, max: q.maxWords })}</div>
        </>
      );
      break;
    }
    case 'region':
      body = <RegionPicker name={name} regions={survey.regions} value={typeof value === 'string' ? value : ''} onChange={onChange} />;
      break;
    case 'contact': {
      const c = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as ContactAnswer;
      const part = (key: keyof ContactAnswer, label: string, type: string) => (
        <label className="hj-survey-field">
          <span>{label}</span>
          <input name={`${name}-${key}`} type={type} inputMode={key === 'mobile' ? 'tel' : undefined} value={c[key] ?? ''} onChange={(e) => onChange({ ...c, [key]: e.target.value })} />
        </label>
      );
      body = (
        <>
          {part('name', t('surveys.public.contactName'), 'text')}
          {part('mobile', t('surveys.public.contactMobile'), 'tel')}
          {part('email', t('surveys.public.contactEmail'), 'email')}
          <label className="hj-survey-consent">
            <input type="checkbox" name="consent" checked={consent} onChange={(e) => onConsent(e.target.checked)} />
            <span>
              {t('surveys.public.consent')}
              <br />
              <small>{survey.consentText}</small>
            </span>
          </label>
        </>
      );
      break;
    }
  }
  return (
    <section className={error ? 'hj-pub-card hj-survey-q hj-survey-q-error' : 'hj-pub-card hj-survey-q'} data-testid={`survey-q-${q.key}`}>
      <h2>
        {number}. {q.label} <span className="hj-survey-tag">{q.required ? t('surveys.public.required') : t('surveys.public.optional')}</span>
        {q.kind === 'multi_choice' && <span className="hj-survey-tag">{q.maxSelected ? t('surveys.public.chooseAtMost', { max: q.maxSelected }) : t('surveys.public.chooseMany')}</span>}
      </h2>
      {q.help && <p className="hj-survey-help">{q.help}</p>}
      {body}
      {error && (
        <p className="hj-survey-error" role="alert" data-testid="survey-error">
          {error}
        </p>
      )}
    </section>
  );
}

function ScaleRow({ name, value, onChange, low, high }: { name: string; value: number | null; onChange: (v: number) => void; low?: string | undefined; high?: string | undefined }) {
  const { t } = useTranslation();
  return (
    <div className="hj-survey-scale">
      <span className="hj-survey-scale-end">{low ?? t('surveys.public.scaleLow')}</span>
      {[1, 2, 3, 4, 5].map((p) => (
        <label key={p} className="hj-survey-point">
          <input type="radio" name={name} value={p} checked={value === p} onChange={() => onChange(p)} />
          <span>{p}</span>
        </label>
      ))}
      <span className="hj-survey-scale-end">{high ?? t('surveys.public.scaleHigh')}</span>
    </div>
  );
}

/** Cascading selects from the target regions down to a county; the answer is the deepest code chosen. */
function RegionPicker({ name, regions, value, onChange }: { name: string; regions: RegionNode[]; value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const byCode = useMemo(() => new Map(regions.map((r) => [r.code, r])), [regions]);
  const childrenOf = (code: string | null) => regions.filter((r) => r.parentCode === code);
  const roots = childrenOf(null);
  // The chosen path: from the value up to a target, or the only target when nothing is chosen.
  const path: string[] = [];
  for (let n = byCode.get(value); n; n = n.parentCode ? byCode.get(n.parentCode) : undefined) path.unshift(n.code);
  if (path.length === 0 && roots.length === 1) path.push(roots[0]!.code);
  const levels: { options: RegionNode[]; selected: string }[] = [];
  if (roots.length > 1 || path.length === 0) levels.push({ options: roots, selected: path[0] ?? '' });
  for (let i = 0; i < path.length; i++) {
    const kids = childrenOf(path[i]!);
    if (kids.length === 0) break;
    levels.push({ options: kids, selected: path[i + 1] ?? '' });
  }
  return (
    <div className="hj-survey-region">
      {levels.map((level, i) => (
        <select key={i} name={`${name}-${i}`} value={level.selected} onChange={(e) => onChange(e.target.value || (level.options[0]?.parentCode ?? ''))}>
          <option value="">{t('surveys.public.regionPlaceholder')}</option>
          {level.options.map((o) => (
            <option key={o.code} value={o.code}>
              {o.name}
            </option>
          ))}
        </select>
      ))}
    </div>
  );
}
