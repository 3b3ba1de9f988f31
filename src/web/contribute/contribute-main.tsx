/** The light entry of the public contribution pages (/contribute/…): React only — no UI library, no session, no app i18n. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ContributeApp } from './contribute-app';
import type { ContributeLanguage } from './texts';
import './contribute.css';

const storageKey = 'huiju.language';

function storedLanguage(): ContributeLanguage {
  try {
    return window.localStorage.getItem(storageKey) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

function remember(language: ContributeLanguage) {
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
    <ContributeApp initialLanguage={language} onLanguage={remember} />
  </StrictMode>,
);
