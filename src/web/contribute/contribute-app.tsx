import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { countWords } from '../../shared/domain/word-count';
import { textsFor, type ContributeLanguage, type TextKey } from './texts';
import { usePublicLoad, type Loaded } from '../lib/public-load';

type T = (key: TextKey, params?: Record<string, string | number>) => string;
type Kind = 'video' | 'photo' | 'letter';

/** As the public API answers (src/shared/contracts/contributions.ts; types only, so no zod here). */
interface PublicCall {
  id: number;
  title: string;
  description: string;
  kinds: Kind[];
  letterWordLimit: number;
  videoMaxMb: number;
  photoMaxMb: number;
  opensAt: string;
  closesAt: string;
  open: boolean;
  consentText: string;
  column: { unitId: number; unitName: string; year: number };
}
interface PublicWork {
  id: number;
  kind: Kind;
  title: string;
  creditName: string;
  workUnit: string;
  letterText: string | null;
  mediaUrl: string | null;
  srcset: { jpeg: string; webp: string } | null;
}

export type ContributeRoute = { kind: 'call'; id: number } | { kind: 'works'; id: number; page: number } | { kind: 'unknown' };

export function parseRoute(pathname: string, search: string): ContributeRoute {
  const call = /^\/contribute\/(\d+)\/?$/.exec(pathname);
  if (call) return { kind: 'call', id: Number(call[1]) };
  const works = /^\/contribute\/(\d+)\/works\/?$/.exec(pathname);
  if (works) return { kind: 'works', id: Number(works[1]), page: Math.max(1, Number(new URLSearchParams(search).get('page')) || 1) };
  return { kind: 'unknown' };
}

/** A public answer (paths below /api/v1/public). */
function useLoad<R>(path: string, language: ContributeLanguage): Loaded<R> {
  return usePublicLoad<R>(`/api/v1/public${path}`, language);
}

function State({ t, loaded }: { t: T; loaded: Loaded<unknown> }): ReactNode {
  if (loaded.state === 'loading') return <p className="hj-ct-state">{t('loading')}</p>;
  if (loaded.state === 'error') return <p className="hj-ct-state" role="alert">{loaded.status === 404 ? t('notFound') : t('networkError')}</p>;
  return null;
}

const chinaTime = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

/** A fresh key per filled-in form: a retried send (slow network, double tap) is stored once. */
function newKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `ct-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function ContributeApp({ initialLanguage, onLanguage }: { initialLanguage: ContributeLanguage; onLanguage: (language: ContributeLanguage) => void }) {
  const [language, setLanguage] = useState(initialLanguage);
  const [location, setLocation] = useState(() => ({ path: window.location.pathname, search: window.location.search }));
  const refresh = useCallback(() => setLocation({ path: window.location.pathname, search: window.location.search }), []);
  useEffect(() => {
    window.addEventListener('popstate', refresh);
    return () => window.removeEventListener('popstate', refresh);
  }, [refresh]);
  const t = textsFor(language);
  const route = parseRoute(location.path, location.search);
  const go = (href: string) => (event: { preventDefault(): void }) => {
    event.preventDefault();
    window.history.pushState(null, '', href);
    window.scrollTo(0, 0);
    refresh();
  };
  const switchLanguage = () => {
    const next = language === 'en' ? 'zh-CN' : 'en';
    setLanguage(next);
    onLanguage(next);
  };
  return (
    <main className="hj-ct" data-testid="contribute-page">
      <header className="hj-ct-top">
        <a href="/showcase">{t('site')}</a>
        <button type="button" className="hj-ct-link" onClick={switchLanguage}>
          {t('switchLanguage')}
        </button>
      </header>
      {route.kind === 'call' && <CallPage key={route.id} t={t} language={language} id={route.id} go={go} />}
      {route.kind === 'works' && <WorksPage key={`${route.id}/${route.page}`} t={t} language={language} id={route.id} page={route.page} go={go} />}
      {route.kind === 'unknown' && <p className="hj-ct-state">{t('notFound')}</p>}
    </main>
  );
}

type Go = (href: string) => (event: { preventDefault(): void }) => void;

function CallPage({ t, language, id, go }: { t: T; language: ContributeLanguage; id: number; go: Go }) {
  const loaded = useLoad<PublicCall>(`/contribution-calls/${id}`, language);
  useEffect(() => {
    if (loaded.state === 'ready') document.title = loaded.data.title;
  }, [loaded]);
  if (loaded.state !== 'ready') return <State t={t} loaded={loaded} />;
  const call = loaded.data;
  return (
    <>
      <h1 data-testid="call-title">{call.title}</h1>
      <div className="hj-ct-muted">
        <a href={`/showcase/${call.column.unitId}/${call.column.year}`}>{t('toColumn')}</a> · {call.column.unitName}
      </div>
      {call.description && <p>{call.description}</p>}
      <p className="hj-ct-muted">
        {t('window', { opens: chinaTime(call.opensAt), closes: chinaTime(call.closesAt) })}
        <br />
        {t('kinds', { kinds: call.kinds.map((k) => t(`kind_${k}`)).join('、') })}
      </p>
      <p>
        <a href={`/contribute/${call.id}/works`} onClick={go(`/contribute/${call.id}/works`)} data-testid="works-link">
          {t('worksLink')}
        </a>
      </p>
      {call.open ? <SubmissionForm t={t} language={language} call={call} /> : <p className="hj-ct-state">{t('closed')}</p>}
    </>
  );
}

interface Problem {
  detail?: string;
  errors?: { field: string; message: string }[];
}

function SubmissionForm({ t, language, call }: { t: T; language: ContributeLanguage; call: PublicCall }) {
  const [kind, setKind] = useState<Kind>(call.kinds[0]!);
  const [values, setValues] = useState({ title: '', creditName: '', workUnit: '', email: '', letterText: '' });
  const [file, setFile] = useState<File | null>(null);
  const [consent, setConsent] = useState(false);
  const [key, setKey] = useState(newKey);
  const [sending, setSending] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const set = (name: keyof typeof values) => (event: { target: { value: string } }) => setValues({ ...values, [name]: event.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setErrors({});
    setMessage('');
    // Fields first, then the file: the server checks them before it stores any byte.
    const body = new FormData();
    body.append('kind', kind);
    for (const [name, value] of Object.entries(values)) if (name !== 'letterText' || kind === 'letter') body.append(name, value);
    body.append('consent', consent ? 'true' : 'false');
    if (kind !== 'letter' && file) body.append('file', file, file.name);
    try {
      const response = await fetch(`/api/v1/public/contribution-calls/${call.id}/contributions`, { method: 'POST', body, headers: { 'Idempotency-Key': key, 'Accept-Language': language }, credentials: 'omit' });
      if (response.ok) {
        setDone(values.title);
        return;
      }
      const problem = (await response.json().catch(() => ({}))) as Problem;
      if (response.status === 429) setMessage(t('tooMany'));
      else if (problem.errors?.length) {
        setErrors(Object.fromEntries(problem.errors.map((e) => [e.field, e.message])));
        setMessage(t('fixFields'));
      } else setMessage(problem.detail ?? t('networkError'));
      // Refused: what is sent next is another request.
      setKey(newKey());
    } catch {
      setMessage(t('networkError'));
    } finally {
      setSending(false);
    }
  };

  if (done !== null) {
    return (
      <div className="hj-ct-ok" role="status" data-testid="contribute-done">
        <p>{t('submitted', { title: done })}</p>
        <button
          type="button"
          className="hj-ct-link"
          onClick={() => {
            setDone(null);
            setValues({ title: '', creditName: values.creditName, workUnit: values.workUnit, email: values.email, letterText: '' });
            setFile(null);
            setConsent(false);
            setKey(newKey());
          }}
          data-testid="contribute-another"
        >
          {t('another')}
        </button>
      </div>
    );
  }

  const error = (field: string) =>
    errors[field] ? (
      <div className="hj-ct-error" data-testid={`error-${field}`}>
        {errors[field]}
      </div>
    ) : null;
  const words = countWords(values.letterText);
  return (
    <form className="hj-ct-form" onSubmit={submit} noValidate data-testid="contribute-form">
      <h2>{t('formTitle')}</h2>
      <fieldset className="hj-ct-field" style={{ border: 0, padding: 0 }}>
        <span>{t('fieldKind')}</span>
        <div className="hj-ct-kinds">
          {call.kinds.map((k) => (
            <label key={k}>
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} data-testid={`kind-${k}`} /> {t(`kind_${k}`)}
            </label>
          ))}
        </div>
        {error('kind')}
      </fieldset>
      <label className="hj-ct-field">
        <span>{t('fieldTitle')}</span>
        <input type="text" value={values.title} onChange={set('title')} maxLength={60} data-testid="field-title" />
        {error('title')}
      </label>
      {kind === 'letter' ? (
        <label className="hj-ct-field">
          <span>{t('fieldLetter')}</span>
          <textarea value={values.letterText} onChange={set('letterText')} data-testid="field-letterText" />
          <div className={words > call.letterWordLimit ? 'hj-ct-error' : 'hj-ct-muted'}>{t('wordCount', { count: words, max: call.letterWordLimit })}</div>
          {error('letterText')}
        </label>
      ) : (
        <label className="hj-ct-field">
          <span>{t('fieldFile')}</span>
          <input type="file" accept={kind === 'video' ? 'video/mp4,.mp4' : 'image/jpeg,image/png,.jpg,.jpeg,.png'} onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="field-file" />
          <div className="hj-ct-muted">{kind === 'video' ? t('fileHint_video', { mb: call.videoMaxMb }) : t('fileHint_photo', { mb: call.photoMaxMb })}</div>
          {error('file')}
        </label>
      )}
      <label className="hj-ct-field">
        <span>{t('fieldCreditName')}</span>
        <input type="text" value={values.creditName} onChange={set('creditName')} maxLength={30} autoComplete="name" data-testid="field-creditName" />
        {error('creditName')}
      </label>
      <label className="hj-ct-field">
        <span>{t('fieldWorkUnit')}</span>
        <input type="text" value={values.workUnit} onChange={set('workUnit')} maxLength={60} autoComplete="organization" data-testid="field-workUnit" />
        {error('workUnit')}
      </label>
      <label className="hj-ct-field">
        <span>{t('fieldEmail')}</span>
        <input type="email" value={values.email} onChange={set('email')} maxLength={200} autoComplete="email" data-testid="field-email" />
        {error('email')}
      </label>
      <div className="hj-ct-field">
        <span>{t('consentTitle')}</span>
        <p className="hj-ct-consent" data-testid="consent-text">
          {call.consentText}
        </p>
        <label>
          <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} data-testid="field-consent" /> {t('consentAgree')}
        </label>
        {error('consent')}
      </div>
      {message && (
        <p className="hj-ct-error" role="alert" data-testid="contribute-message">
          {message}
        </p>
      )}
      <button type="submit" className="hj-ct-button" disabled={sending} data-testid="contribute-submit">
        {sending ? t('submitting') : t('submit')}
      </button>
    </form>
  );
}

function WorksPage({ t, language, id, page, go }: { t: T; language: ContributeLanguage; id: number; page: number; go: Go }) {
  const call = useLoad<PublicCall>(`/contribution-calls/${id}`, language);
  const works = useLoad<{ items: PublicWork[]; total: number }>(`/contribution-calls/${id}/works?page=${page}&pageSize=24`, language);
  if (call.state !== 'ready') return <State t={t} loaded={call} />;
  if (works.state !== 'ready') return <State t={t} loaded={works} />;
  const pages = Math.max(1, Math.ceil(works.data.total / 24));
  return (
    <>
      <h1>{call.data.title}</h1>
      <p className="hj-ct-muted">
        <a href={`/contribute/${id}`} onClick={go(`/contribute/${id}`)}>
          {t('toCall')}
        </a>
      </p>
      <h2>{t('worksTitle')}</h2>
      {works.data.items.length === 0 && <p className="hj-ct-state">{t('worksEmpty')}</p>}
      <ul className="hj-ct-works" data-testid="works">
        {works.data.items.map((w) => (
          <li key={w.id} className="hj-ct-work" data-testid="work">
            {w.kind === 'photo' && w.mediaUrl && w.srcset && (
              <picture>
                <source type="image/webp" srcSet={w.srcset.webp} sizes="(min-width: 600px) 360px, 100vw" />
                <img src={`${w.mediaUrl}?w=960&format=jpeg`} srcSet={w.srcset.jpeg} sizes="(min-width: 600px) 360px, 100vw" alt={w.title} loading="lazy" />
              </picture>
            )}
            {w.kind === 'video' && w.mediaUrl && <video src={w.mediaUrl} controls preload="metadata" playsInline />}
            <strong data-testid="work-title">{w.title}</strong>
            <div className="hj-ct-muted">{t('byline', { name: w.creditName, unit: w.workUnit })}</div>
            {w.kind === 'letter' && <p className="hj-ct-letter">{w.letterText}</p>}
          </li>
        ))}
      </ul>
      {pages > 1 && (
        <nav className="hj-ct-pager">
          {page > 1 ? <a href={`/contribute/${id}/works?page=${page - 1}`} onClick={go(`/contribute/${id}/works?page=${page - 1}`)}>{t('previous')}</a> : <span />}
          {page < pages ? <a href={`/contribute/${id}/works?page=${page + 1}`} onClick={go(`/contribute/${id}/works?page=${page + 1}`)}>{t('next')}</a> : <span />}
        </nav>
      )}
    </>
  );
}
