/** The light entry of the public demands desk (/demands/…): React and i18n only, no UI library, no session. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setApiLanguage } from '../api/client';
import { initI18n, storedLanguage } from '../i18n';
import { DemandsPublic } from './demands-public';
import '../publicity/publicity.css';
import './demands.css';

const language = storedLanguage();
initI18n(language);
setApiLanguage(language);
document.documentElement.lang = language;

const container = document.getElementById('root');
if (!container) throw new Error('#root missing from index.html');

createRoot(container).render(
  <StrictMode>
    <DemandsPublic />
  </StrictMode>,
);
