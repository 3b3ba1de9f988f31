import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '../../shared/i18n/messages';
import en from './en.json';
import zhCN from './zh-CN.json';

/** Every key of the Chinese resources must exist in the English ones (checked by the compiler). */
const english: typeof zhCN = en;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof zhCN };
  }
}

export const languageStorageKey = 'huiju.language';

export function isLocale(value: unknown): value is Locale {
  return value === 'zh-CN' || value === 'en';
}

/** The language chosen earlier on this browser, else Chinese (the platform's default). */
export function storedLanguage(): Locale {
  try {
    const saved = window.localStorage.getItem(languageStorageKey);
    if (isLocale(saved)) return saved;
  } catch {
    // Storage may be unavailable (private mode, policies): fall back to the default.
  }
  return 'zh-CN';
}

export function rememberLanguage(language: Locale) {
  try {
    window.localStorage.setItem(languageStorageKey, language);
  } catch {
    // Not persisted; the choice still holds for this page.
  }
}

export function initI18n(language: Locale) {
  void i18n.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: english } },
    lng: language,
    fallbackLng: 'zh-CN',
    supportedLngs: ['zh-CN', 'en'],
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  return i18n;
}

export { i18n };
