import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, setApiLanguage, setCsrfToken } from '../api/client';
import type { PublicityView, SessionView } from '../api/types';
import { i18n, rememberLanguage } from '../i18n';

type Load = { state: 'loading' } | { state: 'error'; message: string; notFound: boolean } | { state: 'ready'; view: PublicityView };

function formatInstant(iso: string, language: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language, { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' }).format(date);
}

/**
 * /publicity/:roundId — 公示: the proposed winners of an evaluation round, for anyone, with a
 * channel for objections. No sign-in, no personal data; light enough for a phone.
 */
export function PublicityPage({ roundId }: { roundId: number }) {
  const { t, i18n: instance } = useTranslation();
  const language = instance.language === 'en' ? 'en' : 'zh-CN';
  const validId = Number.isInteger(roundId) && roundId > 0;
  const [fetched, setLoad] = useState<Load>({ state: 'loading' });
  const load: Load = validId ? fetched : { state: 'error', message: t('publicity.notFound'), notFound: true };
  const [candidateId, setCandidateId] = useState<number | ''>('');
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (!validId) return;
    let live = true;
    api
      .get<PublicityView>(`/public/publicity/${roundId}`, { anonymous: true })
      .then((view) => {
        if (!live) return;
        setLoad({ state: 'ready', view });
        document.title = `${t('publicity.documentTitle')} · ${view.title}`;
      })
      .catch((error: unknown) => {
        if (!live) return;
        const notFound = error instanceof ApiError && error.status === 404;
        const message = notFound ? t('publicity.notFound') : error instanceof ApiError && error.problem ? error.problem.detail : t('common.networkError');
        setLoad({ state: 'error', message, notFound });
      });
    return () => {
      live = false;
    };
  }, [roundId, validId, t]);

  const switchLanguage = () => {
    const next = language === 'en' ? 'zh-CN' : 'en';
    void i18n.changeLanguage(next);
    setApiLanguage(next);
    rememberLanguage(next);
    document.documentElement.lang = next;
  };

  const objectTo = (id: number) => {
    setCandidateId(id);
    formRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };

  return (
    <main className="hj-pub" data-testid="publicity-page">
      <div className="hj-pub-top">
        <span>{t('app.name')}</span>
        <button type="button" className="hj-pub-link" onClick={switchLanguage}>
          {language === 'en' ? '中文' : 'English'}
        </button>
      </div>
      {load.state === 'loading' && <p className="hj-pub-state">{t('app.loading')}</p>}
      {load.state === 'error' && (
        <p className="hj-pub-state" data-testid="publicity-error">
          {load.message}
        </p>
      )}
      {load.state === 'ready' && (
        <>
          <h1>{t('publicity.heading', { title: load.view.title })}</h1>
          <div className="hj-pub-meta">
            <div>{t('publicity.organiser', { organiser: load.view.organiser })}</div>
            <div data-testid="publicity-window">
              {t('publicity.window', { start: formatInstant(load.view.startsAt, language), end: formatInstant(load.view.endsAt, language) })}
            </div>
          </div>
          <section className="hj-pub-card">
            <p style={{ margin: 0 }}>{t('publicity.intro', { end: formatInstant(load.view.endsAt, language) })}</p>
          </section>
          {load.view.categories.map((category) => (
            <section key={category.name} className="hj-pub-card">
              <h2>{t('publicity.category', { name: category.name, count: category.candidates.length })}</h2>
              <ol className="hj-pub-list">
                {category.candidates.map((c) => (
                  <li key={c.candidateId} data-testid="publicity-candidate" data-candidate-id={c.candidateId}>
                    <span className="hj-pub-title">{c.title}</span>
                    <span className="hj-pub-unit">{c.title === c.unitName ? '' : c.unitName}</span>
                    <button type="button" className="hj-pub-link hj-pub-object" onClick={() => objectTo(c.candidateId)}>
                      {t('publicity.objectTo')}
                    </button>
                  </li>
                ))}
              </ol>
            </section>
          ))}
          <ObjectionForm roundId={roundId} view={load.view} candidateId={candidateId} onCandidate={setCandidateId} formRef={formRef} />
        </>
      )}
    </main>
  );
}

function ObjectionForm({
  roundId,
  view,
  candidateId,
  onCandidate,
  formRef,
}: {
  roundId: number;
  view: PublicityView;
  candidateId: number | '';
  onCandidate: (id: number | '') => void;
  formRef: RefObject<HTMLFormElement | null>;
}) {
  const { t } = useTranslation();
  const [content, setContent] = useState('');
  const [contact, setContact] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  // Judged once, when the page opens: a visitor who lingers past the end gets the server's refusal.
  const [closed] = useState(() => Date.now() > Date.parse(view.endsAt));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (candidateId === '') return setError(t('publicity.candidateRequired'));
    if (content.trim().length < 2) return setError(t('publicity.contentRequired'));
    setBusy(true);
    try {
      // A visitor who happens to be signed in sends the session's CSRF token; others send none.
      try {
        const session = await api.get<SessionView>('/session', { anonymous: true });
        setCsrfToken(session.csrfToken);
      } catch {
        setCsrfToken(null);
      }
      await api.post<{ id: number }>(`/public/publicity/${roundId}/objections`, { candidateId, content: content.trim(), contact: contact.trim() || null }, { anonymous: true });
      setDone(true);
    } catch (failure) {
      setError(failure instanceof ApiError && failure.problem ? failure.problem.detail : t('common.networkError'));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <section className="hj-pub-done" data-testid="objection-done">
        <strong>{t('publicity.doneTitle')}</strong>
        <p style={{ margin: '6px 0 0' }}>{t('publicity.doneText', { organiser: view.organiser })}</p>
      </section>
    );
  }
  const candidates = view.categories.flatMap((c) => c.candidates.map((candidate) => ({ ...candidate, category: c.name })));
  return (
    <form ref={formRef} className="hj-pub-card hj-pub-form" onSubmit={(e) => void submit(e)} data-testid="objection-form" noValidate>
      <h2>{t('publicity.formTitle')}</h2>
      {closed && <p className="hj-pub-error">{t('publicity.closed')}</p>}
      <label htmlFor="objection-candidate">{t('publicity.candidate')}</label>
      <select
        id="objection-candidate"
        value={candidateId}
        onChange={(e) => onCandidate(e.target.value === '' ? '' : Number(e.target.value))}
        data-testid="objection-candidate"
      >
        <option value="">{t('publicity.candidatePlaceholder')}</option>
        {candidates.map((c) => (
          <option key={c.candidateId} value={c.candidateId}>
            {c.category} · {c.title}
          </option>
        ))}
      </select>
      <label htmlFor="objection-content">{t('publicity.content')}</label>
      <textarea
        id="objection-content"
        value={content}
        maxLength={2000}
        onChange={(e) => setContent(e.target.value)}
        placeholder={t('publicity.contentPlaceholder')}
        data-testid="objection-content"
      />
      <label htmlFor="objection-contact">
        {t('publicity.contact')} <span style={{ fontWeight: 400, color: '#5c6b7a' }}>{t('common.optional')}</span>
      </label>
      <input id="objection-contact" value={contact} maxLength={200} onChange={(e) => setContact(e.target.value)} placeholder={t('publicity.contactPlaceholder')} data-testid="objection-contact" />
      <p className="hj-pub-note" data-testid="objection-pipl">
        {t('publicity.pipl')}
      </p>
      {error && (
        <p className="hj-pub-error" role="alert" data-testid="objection-error">
          {error}
        </p>
      )}
      <button type="submit" className="hj-pub-submit" disabled={busy || closed} data-testid="objection-submit">
        {busy ? t('publicity.submitting') : t('publicity.submit')}
      </button>
    </form>
  );
}
