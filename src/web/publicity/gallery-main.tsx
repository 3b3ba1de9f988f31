/** The light entry of the public gallery (风采展示): React and i18n only, no UI library, no session. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setApiLanguage } from '../api/client';
import { initI18n, storedLanguage } from '../i18n';
import { GalleryPage } from './gallery-page';
import './publicity.css';

const language = storedLanguage();
initI18n(language);
setApiLanguage(language);
document.documentElement.lang = language;

const roundId = Number(/^\/gallery\/(\d+)/.exec(window.location.pathname)?.[1]);
const container = document.getElementById('root');
if (!container) throw new Error('#root missing from index.html');

createRoot(container).render(
  <StrictMode>
    <GalleryPage roundId={roundId} />
  </StrictMode>,
);
