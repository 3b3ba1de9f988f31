/** The light entry of the public column (/showcase/…): React only — no UI library, no session, no app i18n. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ShowcaseApp } from './showcase-app';
import type { ShowcaseLanguage } from './texts';
import './showcase.css';

const storageKey = 'huiju.language';

function storedLanguage(): ShowcaseLanguage {
  try {
    return window.localStorage.getItem(storageKey) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

function remember(language: ShowcaseLanguage) {
  document.documentElement.lang = language;
  try {
    window.localStorage.setItem(storageKey, language);
  } catch {
    // Not persisted; the choice still holds for this page.
  }
}

const language = storedLanguage();
document.documentElement.lang = language;
const container = document.getElementById('root');
if (!container) throw new Error('#root missing from index.html');

createRoot(container).render(
  <StrictMode>
    <ShowcaseApp initialLanguage={language} onLanguage={remember} />
  </StrictMode>,
);
