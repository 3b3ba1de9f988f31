import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';

/** The languages of the light public pages, which carry their own texts (no i18next). */
export type LightLanguage = 'zh-CN' | 'en';

const storageKey = 'huiju.language';

function storedLanguage(): LightLanguage {
  try {
    return window.localStorage.getItem(storageKey) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

function remember(language: LightLanguage) {
  document.documentElement.lang = language;
  try {
    window.localStorage.setItem(storageKey, language);
  } catch {
    // Not persisted; the choice still holds for this page.
  }
}

/**
 * Starts a light public page (React only: no UI library, no session, no app i18n) in the stored
 * language, shared with the app; `render` gets that language and a callback remembering a change.
 */
export function mountLightPage(render: (language: LightLanguage, onLanguage: (language: LightLanguage) => void) => ReactNode): void {
  const language = storedLanguage();
  document.documentElement.lang = language;
  const container = document.getElementById('root');
  if (!container) throw new Error('#root missing from index.html');
  createRoot(container).render(<StrictMode>{render(language, remember)}</StrictMode>);
}
