/** The light entry of the public survey page (/survey/:token): React and i18n only, no UI library, no session. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setApiLanguage } from '../api/client';
import { initI18n, storedLanguage } from '../i18n';
import { SurveyPage } from './survey-page';
import '../publicity/publicity.css';
import './survey.css';

const language = storedLanguage();
initI18n(language);
setApiLanguage(language);
document.documentElement.lang = language;

const token = /^\/survey\/([A-Za-z0-9_-]{16,43})\/?$/.exec(window.location.pathname)?.[1] ?? '';
const container = document.getElementById('root');
if (!container) throw new Error('#root missing from index.html');

createRoot(container).render(
  <StrictMode>
    <SurveyPage token={token} />
  </StrictMode>,
);
