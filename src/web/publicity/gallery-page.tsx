import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';

interface GalleryView {
  roundId: number;
  title: string;
  organiser: string;
  persons: { candidateId: number; category: string; personName: string; workUnit: string; discipline: string; jobTitle: string; achievements: string; hasPhoto: boolean }[];
}

type Load = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; view: GalleryView };

/**
 * /gallery/:roundId — 风采展示: the persons an announced round selected (最美科技工作者), for anyone,
 * light on a phone: no UI library, no personal data (no birth year, gender or contacts).
 */
export function GalleryPage({ roundId }: { roundId: number }) {
  const { t } = useTranslation();
  const validId = Number.isInteger(roundId) && roundId > 0;
  const [fetched, setLoad] = useState<Load>({ state: 'loading' });
  const load: Load = validId ? fetched : { state: 'error', message: t('gallery.notFound') };

  useEffect(() => {
    if (!validId) return;
    let live = true;
    api
      .get<GalleryView>(`/public/gallery/${roundId}`, { anonymous: true })
      .then((view) => {
        if (!live) return;
        setLoad({ state: 'ready', view });
        document.title = `${t('gallery.documentTitle')} · ${view.title}`;
      })
      .catch((error: unknown) => {
        if (!live) return;
        setLoad({ state: 'error', message: error instanceof ApiError && error.status === 404 ? t('gallery.notFound') : t('common.networkError') });
      });
    return () => {
      live = false;
    };
  }, [roundId, validId, t]);

  return (
    <main className="hj-pub" data-testid="gallery-page">
      <div className="hj-pub-top">
        <span>{t('app.name')}</span>
      </div>
      {load.state === 'loading' && <p className="hj-pub-state">{t('app.loading')}</p>}
      {load.state === 'error' && <p className="hj-pub-state">{load.message}</p>}
      {load.state === 'ready' && (
        <>
          <h1>{t('gallery.heading', { title: load.view.title })}</h1>
          <div className="hj-pub-meta">{t('publicity.organiser', { organiser: load.view.organiser })}</div>
          {load.view.persons.length === 0 && <p className="hj-pub-state">{t('gallery.empty')}</p>}
          {load.view.persons.map((p) => (
            <section key={p.candidateId} className="hj-pub-card hj-gallery-person" data-testid="gallery-person">
              {p.hasPhoto && (
                <img
                  className="hj-gallery-photo"
                  src={`/api/v1/public/gallery/${load.view.roundId}/photos/${p.candidateId}`}
                  alt={p.personName}
                  loading="lazy"
                  width={120}
                  height={160}
                />
              )}
              <div>
                <div className="hj-pub-unit">{p.category}</div>
                <h2>{p.personName}</h2>
                <div className="hj-pub-meta">
                  {p.workUnit} · {p.jobTitle} · {p.discipline}
                </div>
                <p className="hj-gallery-text">{p.achievements}</p>
              </div>
            </section>
          ))}
        </>
      )}
    </main>
  );
}
