import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublicCase, PublicDemandView } from '../../shared/contracts/demands';
import { demandCategories, descriptionMaxWords, descriptionMinWords, formatLookupCode, normaliseLookupCode, type DemandCategory } from '../../shared/domain/demands';
import { countWords } from '../../shared/domain/word-count';
import { api, ApiError, setApiLanguage, setCsrfToken } from '../api/client';
import type { SessionView } from '../api/types';
import { i18n, rememberLanguage } from '../i18n';

type View = 'submit' | 'track' | 'cases';
type FieldErrors = Record<string, string>;

function viewOf(path: string): View {
  if (path.startsWith('/demands/track')) return 'track';
  if (path.startsWith('/demands/cases')) return 'cases';
  return 'submit';
}

function formatInstant(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' }).format(new Date(iso));
}

/** A visitor who happens to be signed in must send the session's CSRF token; others send none. */
async function prepareCsrf() {
  try {
    const session = await api.get<SessionView>('/session', { anonymous: true });
    setCsrfToken(session.csrfToken);
  } catch {
    setCsrfToken(null);
  }
}

function problemOf(error: unknown, fallback: string): { message: string; fields: FieldErrors } {
  if (error instanceof ApiError && error.problem) {
    const fields: FieldErrors = {};
    for (const e of error.problem.errors ?? []) fields[e.field] ??= e.message;
    return { message: error.problem.detail, fields };
  }
  return { message: fallback, fields: {} };
}

/**
 * /demands — 诉求办理 for 科技工作者, on a phone, without an account: submit a demand (/demands),
 * follow it and rate the answer with the lookup code (/demands/track), read the 办实事 cases
 * (/demands/cases). Never shows a contact or a staff member's data.
 */
export function DemandsPublic() {
  const { t, i18n: instance } = useTranslation();
  const language = instance.language === 'en' ? 'en' : 'zh-CN';
  const [view, setView] = useState<View>(() => viewOf(window.location.pathname));
  const [trackCode, setTrackCode] = useState<string>(() => new URLSearchParams(window.location.search).get('code') ?? '');

  useEffect(() => {
    const onPop = () => setView(viewOf(window.location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  useEffect(() => {
    document.title = `${t(`demands.public.nav.${view}`)} · ${t('demands.public.title')}`;
  }, [view, t]);

  const go = (next: View) => {
    window.history.pushState(null, '', next === 'submit' ? '/demands' : `/demands/${next}`);
    setView(next);
  };
  const switchLanguage = () => {
    const next = language === 'en' ? 'zh-CN' : 'en';
    void i18n.changeLanguage(next);
    setApiLanguage(next);
    rememberLanguage(next);
    document.documentElement.lang = next;
  };
  const link = (target: View, label: ReactNode) => (
    <a
      href={target === 'submit' ? '/demands' : `/demands/${target}`}
      aria-current={view === target ? 'page' : undefined}
      data-testid={`demands-nav-${target}`}
      onClick={(e) => {
        e.preventDefault();
        go(target);
      }}
    >
      {label}
    </a>
  );

  return (
    <main className="hj-pub" data-testid="demands-public">
      <div className="hj-pub-top">
        <span>{t('app.name')}</span>
        <button type="button" className="hj-pub-link" onClick={switchLanguage}>
          {language === 'en' ? '中文' : 'English'}
        </button>
      </div>
      <h1>{t('demands.public.title')}</h1>
      <nav className="hj-dm-nav">
        {link('submit', t('demands.public.nav.submit'))}
        {link('track', t('demands.public.nav.track'))}
        {link('cases', t('demands.public.nav.cases'))}
      </nav>
      {view === 'submit' && (
        <SubmitForm
          onTrack={(code) => {
            setTrackCode(code);
            go('track');
          }}
        />
      )}
      {view === 'track' && <Track initialCode={trackCode} language={language} />}
      {view === 'cases' && <Cases language={language} />}
    </main>
  );
}

interface Region {
  code: string;
  name: string;
  hasChildren: boolean;
}

function RegionPicker({ value, onChange, error }: { value: string[]; onChange: (codes: string[]) => void; error?: string | undefined }) {
  const { t } = useTranslation();
  const [levels, setLevels] = useState<Region[][]>([[], [], []]);
  useEffect(() => {
    void api.get<Region[]>('/public/demands/regions', { anonymous: true }).then((provinces) => setLevels((l) => [provinces, l[1]!, l[2]!]));
  }, []);
  const choose = async (level: number, code: string) => {
    const next = [...value.slice(0, level), ...(code ? [code] : [])];
    onChange(next);
    const region = levels[level]!.find((r) => r.code === code);
    const below = code && region?.hasChildren ? await api.get<Region[]>('/public/demands/regions', { query: { parent: code }, anonymous: true }) : [];
    setLevels((l) => l.map((list, i) => (i <= level ? list : i === level + 1 ? below : [])));
  };
  const labels = [t('demands.public.province'), t('demands.public.city'), t('demands.public.county')];
  return (
    <>
      <div className="hj-dm-regions">
        {levels.map((list, level) => (
          <select
            key={level}
            aria-label={labels[level]}
            value={value[level] ?? ''}
            disabled={list.length === 0}
            onChange={(e) => void choose(level, e.target.value)}
            data-testid={`demand-region-${level}`}
          >
            <option value="">{labels[level]}</option>
            {list.map((r) => (
              <option key={r.code} value={r.code}>
                {r.name}
              </option>
            ))}
          </select>
        ))}
      </div>
      {error && <p className="hj-dm-field-error" data-testid="demand-error-regionCode">{error}</p>}
    </>
  );
}

function SubmitForm({ onTrack }: { onTrack: (code: string) => void }) {
  const { t } = useTranslation();
  const [category, setCategory] = useState<DemandCategory | ''>('');
  const [regions, setRegions] = useState<string[]>([]);
  const [toSociety, setToSociety] = useState(false);
  const [societyQuery, setSocietyQuery] = useState('');
  const [societies, setSocieties] = useState<{ id: number; name: string }[]>([]);
  const [societyId, setSocietyId] = useState<number | ''>('');
  const [description, setDescription] = useState('');
  const [contactName, setContactName] = useState('');
  const [contactPhone, setContactPhone] = useState('');
  const [contactEmail, setContactEmail] = useState('');
  const [consent, setConsent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<FieldErrors>({});
  const [receipt, setReceipt] = useState<{ code: string; unitName: string; firstReplyDueAt: string } | null>(null);
  const words = countWords(description);
  const leavesContact = Boolean(contactName.trim() || contactPhone.trim() || contactEmail.trim());

  useEffect(() => {
    if (!toSociety || societyQuery.trim().length < 2) return;
    const timer = setTimeout(() => {
      void api.get<{ id: number; name: string }[]>('/public/demands/societies', { query: { q: societyQuery.trim() }, anonymous: true }).then(setSocieties, () => setSocieties([]));
    }, 300);
    return () => clearTimeout(timer);
  }, [toSociety, societyQuery]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const local: FieldErrors = {};
    if (!category) local.category = t('demands.public.categoryRequired');
    if (regions.length === 0) local.regionCode = t('demands.public.regionRequired');
    if (toSociety && societyId === '') local.societyUnitId = t('demands.public.societyRequired');
    if (words < descriptionMinWords) local.description = t('demands.public.descriptionTooShort', { min: descriptionMinWords });
    if (words > descriptionMaxWords) local.description = t('demands.public.descriptionTooLong', { max: descriptionMaxWords });
    if (leavesContact && !consent) local.consent = t('demands.public.consentRequired');
    setFields(local);
    if (Object.keys(local).length > 0) return setError(t('demands.public.fixFields'));
    setBusy(true);
    try {
      await prepareCsrf();
      const result = await api.post<{ code: string; unitName: string; firstReplyDueAt: string }>(
        '/public/demands',
        {
          category,
          regionCode: regions[regions.length - 1],
          societyUnitId: toSociety && societyId !== '' ? societyId : null,
          description,
          contactName: leavesContact ? contactName : '',
          contactPhone: leavesContact ? contactPhone : '',
          contactEmail: leavesContact ? contactEmail : '',
        },
        { anonymous: true },
      );
      setReceipt(result);
      window.scrollTo(0, 0);
    } catch (failure) {
      const problem = problemOf(failure, t('common.networkError'));
      setFields(problem.fields);
      setError(problem.message);
    } finally {
      setBusy(false);
    }
  };

  if (receipt) {
    return (
      <section className="hj-pub-done" data-testid="demand-receipt">
        <strong>{t('demands.public.receivedTitle')}</strong>
        <p style={{ margin: '6px 0' }}>{t('demands.public.receivedText', { unit: receipt.unitName, due: formatInstant(receipt.firstReplyDueAt, i18n.language) })}</p>
        <div className="hj-dm-code" data-testid="demand-code">
          {formatLookupCode(receipt.code)}
        </div>
        <p className="hj-dm-keep" data-testid="demand-keep-code">
          {t('demands.public.keepCode')}
        </p>
        <button type="button" className="hj-pub-submit" onClick={() => onTrack(receipt.code)} data-testid="demand-go-track">
          {t('demands.public.followUp')}
        </button>
      </section>
    );
  }

  const fieldError = (name: string) =>
    fields[name] ? (
      <p className="hj-dm-field-error" data-testid={`demand-error-${name}`}>
        {fields[name]}
      </p>
    ) : null;
  return (
    <form className="hj-pub-card hj-pub-form" onSubmit={(e) => void submit(e)} noValidate data-testid="demand-form">
      <p style={{ marginTop: 0 }}>{t('demands.public.intro')}</p>
      <label htmlFor="demand-category">{t('demands.public.category')}</label>
      <select id="demand-category" value={category} onChange={(e) => setCategory(e.target.value as DemandCategory | '')} data-testid="demand-category">
        <option value="">{t('demands.public.categoryPlaceholder')}</option>
        {demandCategories.map((c) => (
          <option key={c} value={c}>
            {t(`demands.categories.${c}`)}
          </option>
        ))}
      </select>
      {fieldError('category')}
      <label>{t('demands.public.region')}</label>
      <RegionPicker value={regions} onChange={setRegions} error={fields.regionCode} />
      <label className="hj-dm-check">
        <input type="checkbox" checked={toSociety} onChange={(e) => setToSociety(e.target.checked)} data-testid="demand-to-society" />
        <span>{t('demands.public.toSociety')}</span>
      </label>
      {toSociety && (
        <>
          <input value={societyQuery} onChange={(e) => setSocietyQuery(e.target.value)} placeholder={t('demands.public.societySearch')} maxLength={30} data-testid="demand-society-search" />
          <select value={societyId} onChange={(e) => setSocietyId(e.target.value === '' ? '' : Number(e.target.value))} data-testid="demand-society">
            <option value="">{t('demands.public.societyPlaceholder')}</option>
            {societies.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          {fieldError('societyUnitId')}
        </>
      )}
      <label htmlFor="demand-description">{t('demands.public.description')}</label>
      <textarea
        id="demand-description"
        value={description}
        rows={7}
        onChange={(e) => setDescription(e.target.value)}
        placeholder={t('demands.public.descriptionPlaceholder')}
        data-testid="demand-description"
      />
      <div className="hj-dm-count" data-testid="demand-word-count">
        {t('demands.public.wordCount', { count: words, max: descriptionMaxWords })}
      </div>
      {fieldError('description')}
      <h2 style={{ marginTop: 16 }}>
        {t('demands.public.contactTitle')} <span style={{ fontWeight: 400, fontSize: 13, color: '#5c6b7a' }}>{t('common.optional')}</span>
      </h2>
      <p className="hj-pub-note">{t('demands.public.contactNote')}</p>
      <label htmlFor="demand-contact-name">{t('demands.public.contactName')}</label>
      <input id="demand-contact-name" value={contactName} maxLength={30} onChange={(e) => setContactName(e.target.value)} autoComplete="name" data-testid="demand-contact-name" />
      {fieldError('contactName')}
      <label htmlFor="demand-contact-phone">{t('demands.public.contactPhone')}</label>
      <input id="demand-contact-phone" value={contactPhone} maxLength={20} inputMode="tel" onChange={(e) => setContactPhone(e.target.value)} autoComplete="tel" data-testid="demand-contact-phone" />
      {fieldError('contactPhone')}
      <label htmlFor="demand-contact-email">{t('demands.public.contactEmail')}</label>
      <input id="demand-contact-email" value={contactEmail} maxLength={200} inputMode="email" onChange={(e) => setContactEmail(e.target.value)} autoComplete="email" data-testid="demand-contact-email" />
      {fieldError('contactEmail')}
      {leavesContact && (
        <label className="hj-dm-check">
          <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} data-testid="demand-consent" />
          <span>{t('demands.public.consent')}</span>
        </label>
      )}
      {fieldError('consent')}
      {error && (
        <p className="hj-pub-error" role="alert" data-testid="demand-error">
          {error}
        </p>
      )}
      <button type="submit" className="hj-pub-submit" disabled={busy} data-testid="demand-submit">
        {busy ? t('demands.public.submitting') : t('demands.public.submit')}
      </button>
    </form>
  );
}

const timelineKinds = ['submitted', 'accepted', 'forwarded', 'escalated', 'answered', 'rated'] as const;

function Track({ initialCode, language }: { initialCode: string; language: string }) {
  const { t } = useTranslation();
  const [code, setCode] = useState(initialCode);
  const [view, setView] = useState<PublicDemandView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const fetchView = (value: string) =>
    api.get<PublicDemandView>(`/public/demands/${encodeURIComponent(normaliseLookupCode(value))}`, { anonymous: true }).then(
      (found) => {
        setView(found);
        setError(null);
      },
      (failure: unknown) => {
        setView(null);
        setError(failure instanceof ApiError && failure.status === 404 ? t('demands.public.codeUnknown') : problemOf(failure, t('common.networkError')).message);
      },
    );
  const look = async (value: string) => {
    setBusy(true);
    await fetchView(value);
    setBusy(false);
  };
  useEffect(() => {
    // Only the code handed over from the receipt is looked up by itself, once.
    if (initialCode) void fetchView(initialCode);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <>
      <form
        className="hj-pub-card hj-pub-form"
        onSubmit={(e) => {
          e.preventDefault();
          void look(code);
        }}
        data-testid="demand-track-form"
      >
        <label htmlFor="demand-lookup">{t('demands.public.lookupCode')}</label>
        <input id="demand-lookup" value={code} maxLength={40} onChange={(e) => setCode(e.target.value)} placeholder="XXXX-XXXX-XXXX-XXXX" autoCapitalize="characters" data-testid="demand-lookup" />
        {error && (
          <p className="hj-pub-error" role="alert" data-testid="demand-track-error">
            {error}
          </p>
        )}
        <button type="submit" className="hj-pub-submit" disabled={busy || code.trim() === ''} data-testid="demand-lookup-submit">
          {t('demands.public.lookUp')}
        </button>
      </form>
      {view && (
        <section className="hj-pub-card" data-testid="demand-status">
          <h2>
            {t(`demands.categories.${view.category}`)} · {view.regionName}
          </h2>
          <p style={{ margin: '0 0 8px' }} data-testid="demand-status-text">
            {t(`demands.statuses.${view.status}`)} · {t('demands.public.handledBy', { unit: view.unitName })}
          </p>
          <ol className="hj-dm-timeline" data-testid="demand-timeline">
            {view.timeline.map((e, i) => (
              <li key={i} data-kind={e.kind}>
                <span className="hj-dm-time">{formatInstant(e.at, language)}</span>
                {t(`demands.events.${timelineKinds.includes(e.kind) ? e.kind : 'submitted'}`, { unit: e.unitName ?? '' })}
              </li>
            ))}
          </ol>
          {view.answer && (
            <>
              <h2 style={{ marginTop: 12 }}>{t('demands.public.answerFrom', { unit: view.answeredBy ?? '' })}</h2>
              <div className="hj-dm-answer" data-testid="demand-answer">
                {view.answer}
              </div>
            </>
          )}
          {view.status === 'answered' && (view.rating ? <RatingDone rating={view.rating} /> : <RatingForm code={code} onRated={setView} />)}
        </section>
      )}
    </>
  );
}

function RatingDone({ rating }: { rating: NonNullable<PublicDemandView['rating']> }) {
  const { t } = useTranslation();
  return (
    <div className="hj-pub-done" style={{ marginTop: 12 }} data-testid="demand-rated">
      <strong>{t('demands.public.ratedTitle', { score: rating.score })}</strong>
      {rating.comment && <p style={{ margin: '6px 0 0' }}>{rating.comment}</p>}
    </div>
  );
}

function RatingForm({ code, onRated }: { code: string; onRated: (view: PublicDemandView) => void }) {
  const { t } = useTranslation();
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (score < 1) return setError(t('demands.public.scoreRequired'));
    setBusy(true);
    setError(null);
    try {
      await prepareCsrf();
      onRated(await api.post<PublicDemandView>(`/public/demands/${encodeURIComponent(normaliseLookupCode(code))}/rating`, { score, comment }, { anonymous: true }));
    } catch (failure) {
      setError(problemOf(failure, t('common.networkError')).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="hj-pub-form" style={{ marginTop: 12 }} onSubmit={(e) => void submit(e)} data-testid="demand-rating-form">
      <h2>{t('demands.public.rateTitle')}</h2>
      <div className="hj-dm-stars" role="group" aria-label={t('demands.public.rateTitle')}>
        {[1, 2, 3, 4, 5].map((n) => (
          <button key={n} type="button" aria-pressed={n <= score} aria-label={t('demands.public.stars', { n })} onClick={() => setScore(n)} data-testid={`demand-star-${n}`}>
            ★
          </button>
        ))}
      </div>
      <label htmlFor="demand-rating-comment">
        {t('demands.public.ratingComment')} <span style={{ fontWeight: 400, color: '#5c6b7a' }}>{t('common.optional')}</span>
      </label>
      <textarea id="demand-rating-comment" value={comment} rows={3} maxLength={600} onChange={(e) => setComment(e.target.value)} data-testid="demand-rating-comment" />
      {error && (
        <p className="hj-pub-error" role="alert" data-testid="demand-rating-error">
          {error}
        </p>
      )}
      <button type="submit" className="hj-pub-submit" disabled={busy} data-testid="demand-rate">
        {t('demands.public.rate')}
      </button>
    </form>
  );
}

function Cases({ language }: { language: string }) {
  const { t } = useTranslation();
  const [cases, setCases] = useState<{ items: PublicCase[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.get<{ items: PublicCase[]; total: number }>('/public/demand-cases', { query: { pageSize: 50 }, anonymous: true }).then(setCases, () => setError(t('common.networkError')));
  }, [t]);
  if (error) return <p className="hj-pub-state">{error}</p>;
  if (!cases) return <p className="hj-pub-state">{t('app.loading')}</p>;
  if (cases.items.length === 0) return <p className="hj-pub-state" data-testid="demand-cases-empty">{t('demands.public.noCases')}</p>;
  return (
    <>
      <p>{t('demands.public.casesIntro')}</p>
      {cases.items.map((c) => (
        <article key={c.id} className="hj-pub-card" data-testid="demand-case">
          <h2>{c.title}</h2>
          <p className="hj-dm-time">
            {t(`demands.categories.${c.category}`)} · {c.regionName} · {c.unitName} · {formatInstant(c.answeredAt, language)}
          </p>
          <p style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{c.summary}</p>
        </article>
      ))}
    </>
  );
}
