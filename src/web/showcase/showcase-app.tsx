import { useCallback, useEffect, useState, type FormEvent, type MouseEvent, type ReactNode } from 'react';
import type { PublicActivityCard, PublicActivityView, PublicColumnView, PublicListView } from '../../shared/contracts/showcase';
import type { PublicSignupView } from '../../shared/contracts/signups';
import type { PublicArticleCard, PublicArticleView } from '../../shared/contracts/articles';
import { codePattern, normaliseCode } from '../../shared/domain/signups';
import { activityFormats } from '../../shared/domain/activity-format';
import { unitTypes } from '../../shared/domain/units';
import { textsFor, type ShowcaseLanguage, type TextKey } from './texts';
import { usePublicLoad, type Loaded } from '../lib/public-load';

type T = (key: TextKey, params?: Record<string, string | number>) => string;

/** What the address names: the list of columns, one column (with its filters), or one activity. */
export type ShowcaseRoute = { kind: 'columns' } | { kind: 'column'; unitId: number; year: number } | { kind: 'activity'; id: number } | { kind: 'signup'; code: string } | { kind: 'article'; id: number } | { kind: 'unknown' };

export function parseRoute(pathname: string): ShowcaseRoute {
  if (/^\/showcase\/?$/.test(pathname)) return { kind: 'columns' };
  const column = /^\/showcase\/(\d+)\/(\d{4})\/?$/.exec(pathname);
  if (column) return { kind: 'column', unitId: Number(column[1]), year: Number(column[2]) };
  const activity = /^\/showcase\/activities\/(\d+)\/?$/.exec(pathname);
  if (activity) return { kind: 'activity', id: Number(activity[1]) };
  const article = /^\/showcase\/articles\/(\d+)\/?$/.exec(pathname);
  if (article) return { kind: 'article', id: Number(article[1]) };
  const signup = /^\/showcase\/signups\/([A-Za-z0-9]{10})\/?$/.exec(pathname);
  if (signup) return { kind: 'signup', code: signup[1]!.toUpperCase() };
  return { kind: 'unknown' };
}

/** A public column answer (paths below /api/v1/public/showcase). */
function useLoad<R>(path: string | null, language: ShowcaseLanguage): Loaded<R> {
  return usePublicLoad<R>(path === null ? null : `/api/v1/public/showcase${path}`, language);
}

/** Follows a link inside the column without reloading the page (the address stays shareable). */
function useNavigate(onNavigate: () => void) {
  return useCallback(
    (event: MouseEvent<HTMLAnchorElement>) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const href = event.currentTarget.getAttribute('href');
      if (!href?.startsWith('/showcase')) return;
      event.preventDefault();
      window.history.pushState(null, '', href);
      window.scrollTo(0, 0);
      onNavigate();
    },
    [onNavigate],
  );
}

function setMeta(title: string, description: string) {
  document.title = title;
  for (const [selector, value] of [
    ['meta[name="description"]', description],
    ['meta[property="og:title"]', title],
    ['meta[property="og:description"]', description],
  ] as const) {
    document.querySelector(selector)?.setAttribute('content', value);
  }
}

export function ShowcaseApp({ initialLanguage, onLanguage }: { initialLanguage: ShowcaseLanguage; onLanguage: (language: ShowcaseLanguage) => void }) {
  const [language, setLanguage] = useState(initialLanguage);
  const [location, setLocation] = useState(() => ({ path: window.location.pathname, search: window.location.search }));
  const refresh = useCallback(() => setLocation({ path: window.location.pathname, search: window.location.search }), []);
  useEffect(() => {
    window.addEventListener('popstate', refresh);
    return () => window.removeEventListener('popstate', refresh);
  }, [refresh]);
  const follow = useNavigate(refresh);
  const t = textsFor(language);
  const route = parseRoute(location.path);

  const switchLanguage = () => {
    const next = language === 'en' ? 'zh-CN' : 'en';
    setLanguage(next);
    onLanguage(next);
  };

  return (
    <main className="hj-sc" data-testid="showcase-page">
      <header className="hj-sc-top">
        <a href="/showcase" onClick={follow} className="hj-sc-site">
          {t('site')}
        </a>
        <button type="button" className="hj-sc-link" onClick={switchLanguage}>
          {t('switchLanguage')}
        </button>
      </header>
      {route.kind === 'columns' && <Columns t={t} language={language} follow={follow} />}
      {route.kind === 'column' && <Column key={`${route.unitId}/${route.year}`} t={t} language={language} unitId={route.unitId} year={route.year} search={location.search} follow={follow} refresh={refresh} />}
      {route.kind === 'activity' && <Activity t={t} language={language} id={route.id} follow={follow} refresh={refresh} />}
      {route.kind === 'article' && <Article t={t} language={language} id={route.id} follow={follow} />}
      {route.kind === 'signup' && <MySignup key={route.code} t={t} language={language} code={route.code} follow={follow} />}
      {route.kind === 'unknown' && <p className="hj-sc-state">{t('notFound')}</p>}
    </main>
  );
}

function State({ t, loaded }: { t: T; loaded: Loaded<unknown> }): ReactNode {
  if (loaded.state === 'loading') return <p className="hj-sc-state">{t('loading')}</p>;
  if (loaded.state === 'error') {
    return (
      <p className="hj-sc-state" role="alert" data-testid="showcase-error">
        {loaded.status === 404 ? t('notFound') : loaded.status === 422 ? t('badInput', { detail: loaded.message }) : loaded.message || t('networkError')}
      </p>
    );
  }
  return null;
}

type Follow = (event: MouseEvent<HTMLAnchorElement>) => void;

function Columns({ t, language, follow }: { t: T; language: ShowcaseLanguage; follow: Follow }) {
  const loaded = useLoad<{ unitId: number; unitName: string; years: number[] }[]>('/columns', language);
  useEffect(() => setMeta(t('columnsTitle'), t('columnsTitle')), [t]);
  if (loaded.state !== 'ready') return <State t={t} loaded={loaded} />;
  return (
    <>
      <h1>{t('columnsTitle')}</h1>
      {loaded.data.length === 0 && <p className="hj-sc-state">{t('columnsEmpty')}</p>}
      <ul className="hj-sc-columns">
        {loaded.data.map((c) => (
          <li key={c.unitId} className="hj-sc-card">
            <strong>{c.unitName}</strong>
            <span className="hj-sc-years">
              {c.years.map((y) => (
                <a key={y} href={`/showcase/${c.unitId}/${y}`} onClick={follow}>
                  {y}
                </a>
              ))}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

const filterKeys = ['q', 'module', 'phase', 'region', 'unitType', 'format', 'from', 'to', 'page'] as const;
type Filters = Partial<Record<(typeof filterKeys)[number], string>>;

function filtersOf(search: string): Filters {
  const params = new URLSearchParams(search);
  const filters: Filters = {};
  for (const key of filterKeys) {
    const value = params.get(key)?.trim();
    if (value) filters[key] = value;
  }
  return filters;
}

function queryOf(filters: Filters): string {
  const params = new URLSearchParams();
  for (const key of filterKeys) if (filters[key]) params.set(key, filters[key]);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function formatDate(date: string | null, language: ShowcaseLanguage): string {
  if (!date) return '';
  const [y, m, d] = date.slice(0, 10).split('-').map(Number) as [number, number, number];
  return language === 'en' ? `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` : `${y}年${m}月${d}日`;
}

function dateRange(start: string | null, end: string | null, language: ShowcaseLanguage): string {
  if (!start) return '';
  return end && end !== start ? `${formatDate(start, language)} — ${formatDate(end, language)}` : formatDate(start, language);
}

function Column({ t, language, unitId, year, search, follow, refresh }: { t: T; language: ShowcaseLanguage; unitId: number; year: number; search: string; follow: Follow; refresh: () => void }) {
  const home = useLoad<PublicColumnView>(`/${unitId}/${year}`, language);
  const filters = filtersOf(search);
  const listPath = `/${unitId}/${year}/activities${queryOf(filters)}`;
  const list = useLoad<PublicListView>(listPath, language);
  const [draft, setDraft] = useState<Filters>(filters);
  const [draftFor, setDraftFor] = useState(search);
  if (draftFor !== search) {
    // The address changed (back button, a link): the form shows its filters.
    setDraftFor(search);
    setDraft(filtersOf(search));
  }

  useEffect(() => {
    if (home.state !== 'ready') return;
    const title = t('columnHeading', { unit: home.data.unitName, year: home.data.year });
    setMeta(title, t('theme', { theme: home.data.theme }));
  }, [home, t]);

  const go = (next: Filters) => {
    window.history.pushState(null, '', `/showcase/${unitId}/${year}${queryOf(next)}`);
    refresh();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { page: _page, ...rest } = draft;
    go(rest);
  };
  const set = (key: keyof Filters) => (event: { target: { value: string } }) => setDraft({ ...draft, [key]: event.target.value });

  if (home.state !== 'ready') return <State t={t} loaded={home} />;
  const column = home.data;
  const page = Number(filters.page ?? '1');
  const pages = list.state === 'ready' ? Math.max(1, Math.ceil(list.data.total / list.data.pageSize)) : 1;
  return (
    <>
      <section className="hj-sc-hero">
        <h1 data-testid="column-heading">{t('columnHeading', { unit: column.unitName, year: column.year })}</h1>
        {column.ordinal !== null && <div className="hj-sc-muted">{t('ordinal', { n: column.ordinal })}</div>}
        <div className="hj-sc-theme">{t('theme', { theme: column.theme })}</div>
        <dl className="hj-sc-figures" data-testid="column-figures">
          <div>
            <dt>{t('figActivities')}</dt>
            <dd>{column.figures.activities}</dd>
          </div>
          <div>
            <dt>{t('figUnits')}</dt>
            <dd>{column.figures.units}</dd>
          </div>
          <div>
            <dt>{t('figParticipants')}</dt>
            <dd>{column.figures.participants}</dd>
          </div>
        </dl>
      </section>
      <section aria-label={t('phases')}>
        <ol className="hj-sc-phases" data-testid="column-phases">
          {column.phases.map((p) => (
            <li key={p.id} className={p.current ? 'hj-sc-phase hj-sc-phase-current' : 'hj-sc-phase'} data-testid={`phase-${p.id}`}>
              <a href={`/showcase/${unitId}/${year}${queryOf({ phase: p.id })}`} onClick={follow}>
                <strong>{p.name}</strong>
                {p.current && <span className="hj-sc-badge">{t('current')}</span>}
                <span className="hj-sc-muted">
                  {formatDate(p.startDate, language)} — {formatDate(p.endDate, language)}
                </span>
                <span className="hj-sc-muted">{t('phaseCount', { n: p.activities })}</span>
              </a>
            </li>
          ))}
        </ol>
      </section>
      {column.featured.length > 0 && (
        <section data-testid="column-featured">
          <h2>{t('featured')}</h2>
          <ul className="hj-sc-list">
            {column.featured.map((card) => (
              <Card key={card.id} t={t} card={card} language={language} follow={follow} badge={card.award ?? t(`badge_${card.badge}`)} />
            ))}
          </ul>
        </section>
      )}
      {column.commendations.length > 0 && (
        <section className="hj-sc-card" data-testid="column-commendations">
          <h2>{t('commendations')}</h2>
          {column.commendations.map((round) => (
            <div key={round.round}>
              <strong>{round.round}</strong>
              {round.categories.map((category) => (
                <div key={category.name}>
                  <div className="hj-sc-muted">{category.name}</div>
                  <ol className="hj-sc-links">
                    {category.winners.map((w, i) => (
                      <li key={i}>
                        {w.activityId !== null ? (
                          <a href={`/showcase/activities/${w.activityId}`} onClick={follow}>
                            {w.title}
                          </a>
                        ) : null}{' '}
                        <span className="hj-sc-muted">{w.unitName}</span>
                      </li>
                    ))}
                  </ol>
                </div>
              ))}
            </div>
          ))}
        </section>
      )}
      {column.galleries.length > 0 && (
        <section className="hj-sc-card" data-testid="column-galleries">
          <h2>{t('galleries')}</h2>
          <ul className="hj-sc-links">
            {column.galleries.map((g) => (
              <li key={g.roundId}>
                {/* The gallery is its own light page, not a route of this one. */}
                <a href={`/gallery/${g.roundId}`} data-testid="column-gallery-link">
                  {g.title}
                </a>{' '}
                <span className="hj-sc-muted">{t('galleryPersons', { n: g.persons })}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {column.articles.length > 0 && (
        <section data-testid="column-articles">
          <h2>{t('articles')}</h2>
          <ul className="hj-sc-list">
            {column.articles.map((a) => (
              <ArticleCard key={a.id} t={t} article={a} language={language} follow={follow} />
            ))}
          </ul>
        </section>
      )}
      <ContributionCalls t={t} language={language} unitId={unitId} year={year} />
      <form className="hj-sc-filters" role="search" onSubmit={submit} data-testid="showcase-filters">
        <label className="hj-sc-search">
          <span className="hj-sc-sr">{t('search')}</span>
          <input type="search" value={draft.q ?? ''} onChange={set('q')} placeholder={t('searchPlaceholder')} maxLength={50} data-testid="showcase-q" />
        </label>
        <div className="hj-sc-row">
          <select value={draft.module ?? ''} onChange={set('module')} aria-label={t('modules')} data-testid="showcase-module">
            <option value="">{t('allModules')}</option>
            {column.modules.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
          <select value={draft.phase ?? ''} onChange={set('phase')} aria-label={t('phase')} data-testid="showcase-phase">
            <option value="">{t('allPhases')}</option>
            {column.phases.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <select value={draft.unitType ?? ''} onChange={set('unitType')} aria-label={t('allUnitTypes')} data-testid="showcase-unit-type">
            <option value="">{t('allUnitTypes')}</option>
            {unitTypes.map((type) => (
              <option key={type} value={type}>
                {t(`unitType_${type}`)}
              </option>
            ))}
          </select>
          <select value={draft.format ?? ''} onChange={set('format')} aria-label={t('allFormats')} data-testid="showcase-format">
            <option value="">{t('allFormats')}</option>
            {activityFormats.map((format) => (
              <option key={format} value={format}>
                {t(`format_${format}`)}
              </option>
            ))}
          </select>
          <input value={draft.region ?? ''} onChange={set('region')} placeholder={t('regionPlaceholder')} aria-label={t('region')} inputMode="numeric" maxLength={6} data-testid="showcase-region" />
        </div>
        <div className="hj-sc-row">
          <input type="date" value={draft.from ?? ''} onChange={set('from')} aria-label={t('from')} data-testid="showcase-from" />
          <input type="date" value={draft.to ?? ''} onChange={set('to')} aria-label={t('to')} data-testid="showcase-to" />
        </div>
        <div className="hj-sc-row">
          <button type="submit" className="hj-sc-button" data-testid="showcase-search">
            {t('searchButton')}
          </button>
          {Object.keys(filters).length > 0 && (
            <a href={`/showcase/${unitId}/${year}`} onClick={follow} className="hj-sc-link">
              {t('clear')}
            </a>
          )}
        </div>
      </form>
      {list.state !== 'ready' ? (
        <State t={t} loaded={list} />
      ) : (
        <section data-testid="showcase-results">
          <p className="hj-sc-muted" data-testid="showcase-total">
            {list.data.total === 0 ? t('noResults') : t(list.data.totalCapped ? 'resultsCapped' : 'results', { n: list.data.total })}
          </p>
          <ul className="hj-sc-list">
            {list.data.items.map((card) => (
              <Card key={card.id} t={t} card={card} language={language} follow={follow} />
            ))}
          </ul>
          {pages > 1 && (
            <nav className="hj-sc-pager">
              {page > 1 ? (
                <a href={`/showcase/${unitId}/${year}${queryOf({ ...filters, page: String(page - 1) })}`} onClick={follow}>
                  {t('previous')}
                </a>
              ) : (
                <span />
              )}
              <span className="hj-sc-muted">{t('page', { page, pages })}</span>
              {page < pages ? (
                <a href={`/showcase/${unitId}/${year}${queryOf({ ...filters, page: String(page + 1) })}`} onClick={follow}>
                  {t('next')}
                </a>
              ) : (
                <span />
              )}
            </nav>
          )}
        </section>
      )}
      {column.years.length > 1 && (
        <nav className="hj-sc-card">
          <strong>{t('years')}</strong>
          <span className="hj-sc-years">
            {column.years
              .filter((y) => y !== year)
              .map((y) => (
                <a key={y} href={`/showcase/${unitId}/${y}`} onClick={follow}>
                  {y}
                </a>
              ))}
          </span>
        </nav>
      )}
    </>
  );
}

function Card({ t, card, language, follow, badge }: { t: T; card: PublicActivityCard; language: ShowcaseLanguage; follow: Follow; badge?: string }) {
  return (
    <li className="hj-sc-item" data-testid="showcase-card" data-activity-id={card.id}>
      <a href={`/showcase/activities/${card.id}`} onClick={follow} className="hj-sc-item-link">
        {card.photo && (
          <picture>
            {card.photoSrcset && <source type="image/webp" srcSet={card.photoSrcset.webp} sizes="96px" />}
            <img src={card.photo} srcSet={card.photoSrcset?.jpeg} sizes="96px" alt="" loading="lazy" decoding="async" className="hj-sc-thumb" />
          </picture>
        )}
        <span className="hj-sc-item-body">
          <strong className="hj-sc-item-title">{card.title}</strong>
          <span className="hj-sc-tags">
            {badge && (
              <span className="hj-sc-tag hj-sc-tag-badge" data-testid="card-badge">
                {badge}
              </span>
            )}
            {card.phase && (
              <span className="hj-sc-tag hj-sc-tag-phase" data-testid="card-phase">
                {card.phase.name}
              </span>
            )}
            {card.modules.map((m) => (
              <span key={m.id} className="hj-sc-tag" data-testid="card-module">
                {m.name}
              </span>
            ))}
            {card.format === 'online' && (
              <span className="hj-sc-tag" data-testid="card-format">
                {t('format_online')}
              </span>
            )}
          </span>
          <span className="hj-sc-muted">
            {card.unitName} · {dateRange(card.startDate, card.endDate, language)}
          </span>
          <span className="hj-sc-excerpt">{card.excerpt}</span>
        </span>
      </a>
    </li>
  );
}

function Activity({ t, language, id, follow, refresh }: { t: T; language: ShowcaseLanguage; id: number; follow: Follow; refresh: () => void }) {
  const loaded = useLoad<PublicActivityView>(`/activities/${id}`, language);
  useEffect(() => {
    if (loaded.state === 'ready') setMeta(loaded.data.title, loaded.data.description.slice(0, 120));
  }, [loaded]);
  if (loaded.state !== 'ready') return <State t={t} loaded={loaded} />;
  const a = loaded.data;
  const rows: [TextKey, ReactNode][] = [
    ['unit', a.unitName],
    ['host', a.host],
    ['organiser', a.organiser],
    ['phase', a.phase?.name],
    ['modules', a.modules.map((m) => m.name).join('、')],
    ['dates', dateRange(a.startDate, a.endDate, language)],
    ['place', a.place],
    ['scale', a.scale === null ? null : t('scaleValue', { n: a.scale })],
  ];
  return (
    <article data-testid="showcase-activity">
      <a href={`/showcase/${a.column.unitId}/${a.column.year}`} onClick={follow} className="hj-sc-link">
        ‹ {t('back')}
      </a>
      <h1 data-testid="activity-title">{a.title}</h1>
      <div className="hj-sc-muted">{t('publishedAt', { date: formatDate(a.publishedAt, language) })}</div>
      <dl className="hj-sc-facts">
        {rows
          .filter(([, value]) => value)
          .map(([key, value]) => (
            <div key={key}>
              <dt>{t(key)}</dt>
              <dd data-testid={`activity-${key}`}>{value}</dd>
            </div>
          ))}
      </dl>
      <div className="hj-sc-text" data-testid="activity-description">
        {a.description.split(/\n+/).map((paragraph, i) => (
          <p key={i}>{paragraph}</p>
        ))}
      </div>
      {a.photos.length > 0 && (
        <section>
          <h2>{t('photos')}</h2>
          {a.photos.map((p) => (
            <figure key={p.url} className="hj-sc-photo">
              <picture>
                <source type="image/webp" srcSet={p.srcset.webp} sizes="(max-width: 760px) calc(100vw - 24px), 736px" />
                <img src={p.url} srcSet={p.srcset.jpeg} sizes="(max-width: 760px) calc(100vw - 24px), 736px" alt={p.caption ?? a.title} loading="lazy" decoding="async" data-testid="activity-photo" />
              </picture>
              {p.caption && <figcaption>{p.caption}</figcaption>}
            </figure>
          ))}
        </section>
      )}
      {a.finalReport && (
        <section className="hj-sc-text" data-testid="activity-final-report">
          <h2>{t('finalReport')}</h2>
          {a.finalReport.split(/\n+/).map((paragraph, i) => (
            <p key={i}>{paragraph}</p>
          ))}
        </section>
      )}
      {a.signup && <SignupForm t={t} language={language} activityId={a.id} signup={a.signup} refresh={refresh} />}
      {a.mediaLinks.length > 0 && (
        <section>
          <h2>{t('media')}</h2>
          <ul className="hj-sc-links">
            {a.mediaLinks.map((l) => (
              <li key={l.url}>
                <span className="hj-sc-tag">{t(`kind_${l.kind}`)}</span>{' '}
                <a href={l.url} target="_blank" rel="noopener noreferrer nofollow">
                  {l.title}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}

type Problem = { status: number; code?: string; detail?: string; errors?: { field: string; message: string }[] };

/** POST to the public sign-up API; the answer, or the problem (status 0: no network). */
async function send<R>(path: string, body: unknown, language: ShowcaseLanguage): Promise<{ ok: true; data: R } | { ok: false; problem: Problem }> {
  try {
    const response = await fetch(`/api/v1/public/showcase${path}`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'Accept-Language': language },
      body: JSON.stringify(body ?? {}),
      credentials: 'omit',
    });
    if (response.ok) return { ok: true, data: (await response.json()) as R };
    const problem = ((await response.json().catch(() => null)) ?? {}) as Omit<Problem, 'status'>;
    return { ok: false, problem: { ...problem, status: response.status } };
  } catch {
    return { ok: false, problem: { status: 0 } };
  }
}

function go(href: string, refresh: () => void) {
  window.history.pushState(null, '', href);
  window.scrollTo(0, 0);
  refresh();
}

function formatTime(iso: string, language: ShowcaseLanguage): string {
  const china = new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString();
  return `${formatDate(china.slice(0, 10), language)} ${china.slice(11, 16)}`;
}

function problemText(t: T, problem: Problem): string {
  if (problem.status === 0) return t('networkError');
  if (problem.status === 429) return t('tooMany');
  return problem.detail ?? t('networkError');
}

/** The sign-up form on an activity's page, and a way back to one's sign-up by its code. */
function SignupForm({ t, language, activityId, signup, refresh }: { t: T; language: ShowcaseLanguage; activityId: number; signup: NonNullable<PublicActivityView['signup']>; refresh: () => void }) {
  const [values, setValues] = useState({ attendeeName: '', mobile: '', affiliation: '' });
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [code, setCode] = useState('');
  const fieldError = (field: string) => problem?.errors?.find((e) => e.field === field)?.message;
  const set = (key: keyof typeof values) => (event: { target: { value: string } }) => setValues({ ...values, [key]: event.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    const body = { attendeeName: values.attendeeName, mobile: values.mobile, ...(values.affiliation.trim() ? { affiliation: values.affiliation } : {}) };
    const result = await send<PublicSignupView>(`/activities/${activityId}/signups`, body, language);
    setSending(false);
    if (result.ok) go(`/showcase/signups/${result.data.code}`, refresh);
    else setProblem(result.problem);
  };
  const lookUp = (event: FormEvent) => {
    event.preventDefault();
    const normalised = normaliseCode(code);
    if (codePattern.test(normalised)) go(`/showcase/signups/${normalised}`, refresh);
  };
  const full = signup.confirmed >= signup.capacity;
  return (
    <section className="hj-sc-card" data-testid="signup-section">
      <h2>{t('signup')}</h2>
      <p className="hj-sc-muted" data-testid="signup-facts">
        {t('signupFacts', { capacity: signup.capacity, confirmed: signup.confirmed, waitlisted: signup.waitlisted })}
      </p>
      <p className="hj-sc-muted">{signup.open ? t('signupDeadline', { time: formatTime(signup.deadline, language) }) : t('signupClosed')}</p>
      {signup.open && (
        <form className="hj-sc-form" onSubmit={(e) => void submit(e)} noValidate data-testid="signup-form">
          {full && <p className="hj-sc-note">{t('signupFull')}</p>}
          <label>
            <span>{t('attendeeName')}</span>
            <input value={values.attendeeName} onChange={set('attendeeName')} maxLength={30} autoComplete="name" required data-testid="signup-name" aria-invalid={!!fieldError('attendeeName')} />
            {fieldError('attendeeName') && <em role="alert">{fieldError('attendeeName')}</em>}
          </label>
          <label>
            <span>{t('mobile')}</span>
            <input value={values.mobile} onChange={set('mobile')} maxLength={20} inputMode="tel" autoComplete="tel" required data-testid="signup-mobile" aria-invalid={!!fieldError('mobile')} />
            {fieldError('mobile') && <em role="alert">{fieldError('mobile')}</em>}
          </label>
          <label>
            <span>{t('affiliation')}</span>
            <input value={values.affiliation} onChange={set('affiliation')} maxLength={60} autoComplete="organization" data-testid="signup-affiliation" aria-invalid={!!fieldError('affiliation')} />
            {fieldError('affiliation') && <em role="alert">{fieldError('affiliation')}</em>}
          </label>
          {problem && !problem.errors?.length && (
            <p role="alert" className="hj-sc-error" data-testid="signup-error">
              {problemText(t, problem)}
            </p>
          )}
          <p className="hj-sc-muted">{t('signupPrivacy')}</p>
          <button type="submit" className="hj-sc-button" disabled={sending} data-testid="signup-submit">
            {sending ? t('signupSending') : t('signupSubmit')}
          </button>
        </form>
      )}
      <form className="hj-sc-row" onSubmit={lookUp}>
        <input value={code} onChange={(e) => setCode(e.target.value)} placeholder={t('codePlaceholder')} aria-label={t('haveCode')} maxLength={20} data-testid="signup-code-lookup" />
        <button type="submit" className="hj-sc-button">
          {t('lookUp')}
        </button>
      </form>
      <p className="hj-sc-muted">{t('haveCode')}</p>
    </section>
  );
}

/** /showcase/signups/CODE — one's sign-up: status, the code and its check-in QR code, cancelling. */
function MySignup({ t, language, code, follow }: { t: T; language: ShowcaseLanguage; code: string; follow: Follow }) {
  const loaded = useLoad<PublicSignupView>(`/signups/${code}`, language);
  const [changed, setChanged] = useState<PublicSignupView | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [sending, setSending] = useState(false);
  useEffect(() => setMeta(t('mySignup'), t('mySignup')), [t]);
  if (loaded.state !== 'ready') return <State t={t} loaded={loaded} />;
  const s = changed ?? loaded.data;
  const cancel = async () => {
    if (!window.confirm(t('cancelConfirm'))) return;
    setSending(true);
    const result = await send<PublicSignupView>(`/signups/${code}/cancel`, {}, language);
    setSending(false);
    if (result.ok) setChanged(result.data);
    else setProblem(result.problem);
  };
  const statusText = s.status === 'waitlisted' ? t('status_waitlisted', { n: s.position ?? 0 }) : t(`status_${s.status}`);
  return (
    <article data-testid="my-signup">
      <a href={`/showcase/activities/${s.activity.id}`} onClick={follow} className="hj-sc-link">
        ‹ {t('toActivity')}
      </a>
      <h1>{s.activity.title}</h1>
      <p className="hj-sc-muted">
        {[formatDate(s.activity.startDate, language), s.activity.place].filter(Boolean).join(' · ')}
      </p>
      <p className={`hj-sc-status hj-sc-status-${s.status}`} data-testid="signup-status">
        {statusText}
        {s.checkedIn && ` · ${t('checkedIn')}`}
      </p>
      {s.status !== 'cancelled' && (
        <>
          <p>
            {t('yourCode')}：<strong className="hj-sc-code" data-testid="signup-code">{s.code}</strong>
          </p>
          {s.status === 'confirmed' && <img className="hj-sc-qr" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(s.qrSvg)}`} alt={t('qrAlt')} width={220} height={220} data-testid="signup-qr" />}
          <p className="hj-sc-muted">{s.status === 'confirmed' ? t('qrHint') : t('waitHint')}</p>
          {!s.checkedIn && (
            <button type="button" className="hj-sc-button hj-sc-button-quiet" onClick={() => void cancel()} disabled={sending} data-testid="signup-cancel">
              {t('cancelSignup')}
            </button>
          )}
        </>
      )}
      {problem && (
        <p role="alert" className="hj-sc-error">
          {problemText(t, problem)}
        </p>
      )}
    </article>
  );
}

function ArticleCard({ t, article, language, follow }: { t: T; article: PublicArticleCard; language: ShowcaseLanguage; follow: Follow }) {
  return (
    <li className="hj-sc-item" data-testid="article-card">
      <a href={`/showcase/articles/${article.id}`} onClick={follow} className="hj-sc-item-link">
        {article.image && (
          <picture>
            <source type="image/webp" srcSet={article.image.srcset.webp} sizes="96px" />
            <img src={article.image.url} srcSet={article.image.srcset.jpeg} sizes="96px" alt="" loading="lazy" decoding="async" className="hj-sc-thumb" />
          </picture>
        )}
        <span className="hj-sc-item-body">
          <strong className="hj-sc-item-title">{article.title}</strong>
          <span className="hj-sc-tags">
            <span className="hj-sc-tag">{t(`article_${article.kind}`)}</span>
          </span>
          <span className="hj-sc-muted">{formatDate(article.publishedAt, language)}</span>
          {article.summary && <span className="hj-sc-excerpt">{article.summary}</span>}
        </span>
      </a>
    </li>
  );
}

/** /showcase/articles/ID — a published article; its body was sanitized by the server when saved. */
function Article({ t, language, id, follow }: { t: T; language: ShowcaseLanguage; id: number; follow: Follow }) {
  const loaded = useLoad<PublicArticleView>(`/articles/${id}`, language);
  useEffect(() => {
    if (loaded.state === 'ready') setMeta(loaded.data.title, loaded.data.summary || loaded.data.title);
  }, [loaded]);
  if (loaded.state !== 'ready') return <State t={t} loaded={loaded} />;
  const a = loaded.data;
  return (
    <article data-testid="showcase-article">
      <a href={`/showcase/${a.column.unitId}/${a.column.year}`} onClick={follow} className="hj-sc-link">
        ‹ {t('back')}
      </a>
      <h1 data-testid="article-title">{a.title}</h1>
      <div className="hj-sc-muted">
        <span className="hj-sc-tag">{t(`article_${a.kind}`)}</span> {t('publishedAt', { date: formatDate(a.publishedAt, language) })}
      </div>
      {a.summary && <p className="hj-sc-theme">{a.summary}</p>}
      <div className="hj-sc-text" data-testid="article-body" dangerouslySetInnerHTML={{ __html: a.bodyHtml }} />
      {a.images.map((p) => (
        <figure key={p.url} className="hj-sc-photo">
          <picture>
            <source type="image/webp" srcSet={p.srcset.webp} sizes="(max-width: 760px) calc(100vw - 24px), 736px" />
            <img src={p.url} srcSet={p.srcset.jpeg} sizes="(max-width: 760px) calc(100vw - 24px), 736px" alt={p.caption ?? a.title} loading="lazy" decoding="async" data-testid="article-image" />
          </picture>
          {p.caption && <figcaption>{p.caption}</figcaption>}
        </figure>
      ))}
      {a.videoUrl && (
        <p>
          <a href={a.videoUrl} target="_blank" rel="noopener noreferrer nofollow" className="hj-sc-button hj-sc-button-quiet" data-testid="article-video">
            {t('watchVideo')}
          </a>
        </p>
      )}
    </article>
  );
}

/** The column's open calls for contributions (作品征集): links to their own light pages (/contribute/…). */
function ContributionCalls({ t, language, unitId, year }: { t: T; language: ShowcaseLanguage; unitId: number; year: number }) {
  const calls = useLoad<{ id: number; title: string; open: boolean }[]>(`/${unitId}/${year}/contribution-calls`, language);
  if (calls.state !== 'ready' || calls.data.length === 0) return null;
  return (
    <section data-testid="column-contribution-calls">
      <h2>{t('contributionCalls')}</h2>
      <ul className="hj-sc-list">
        {calls.data.map((c) => (
          <li key={c.id} className="hj-sc-card">
            <a href={`/contribute/${c.id}`}>{c.title}</a> <span className="hj-sc-muted">{c.open ? t('contributionOpen') : t('contributionWorks')}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
