import { ConfigProvider, App as AntApp, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { createContext, use, useCallback, useMemo, useState, type ReactNode } from 'react';
import type { Locale } from '../../shared/i18n/messages';
import { setApiLanguage } from '../api/client';
import { i18n, rememberLanguage } from '../i18n';

interface LanguageContextValue {
  language: Locale;
  setLanguage: (language: Locale) => void;
}

const LanguageContext = createContext<LanguageContextValue | null>(null);

/** Points every consumer of the language at `language`: i18next, the API client, dayjs, <html lang>. */
export function applyLanguage(language: Locale) {
  void i18n.changeLanguage(language);
  setApiLanguage(language);
  dayjs.locale(language === 'en' ? 'en' : 'zh-cn');
  document.documentElement.lang = language;
}

export function LanguageProvider({ initial, children }: { initial: Locale; children: ReactNode }) {
  const [language, setLanguageState] = useState<Locale>(initial);
  const setLanguage = useCallback((next: Locale) => {
    applyLanguage(next);
    rememberLanguage(next);
    setLanguageState(next);
  }, []);
  const value = useMemo(() => ({ language, setLanguage }), [language, setLanguage]);
  return (
    <LanguageContext value={value}>
      <ConfigProvider
        locale={language === 'en' ? enUS : zhCN}
        theme={{ algorithm: theme.defaultAlgorithm, token: { colorPrimary: '#1668dc', borderRadius: 6 } }}
      >
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </LanguageContext>
  );
}

export function useLanguage(): LanguageContextValue {
  const value = use(LanguageContext);
  if (!value) throw new Error('useLanguage() outside <LanguageProvider>');
  return value;
}
