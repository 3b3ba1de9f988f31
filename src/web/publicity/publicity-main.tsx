/** The light entry of the public 公示 page: React and i18n only, no UI library, no session. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setApiLanguage } from '../api/client';
import { initI18n, storedLanguage } from '../i18n';
import { PublicityPage } from './publicity-page';
import './publicity.css';

const language = storedLanguage();
initI18n(language);
setApiLanguage(language);
document.documentElement.lang = language;

const roundId = Number(/^\/publicity\/(\d+)/.exec(window.location.pathname)?.[1]);
const container = document.getElementById('root');
if (!container) throw new Error('#root missing from index.html');

createRoot(container).render(
  <StrictMode>
    <PublicityPage roundId={roundId} />
  </StrictMode>,
);
