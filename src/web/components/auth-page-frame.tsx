import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './language-switch';

/** The frame of the pages shown before the app: language switch, the product's name, then the page's card. */
export function AuthPageFrame({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="hj-auth-page">
      <div className="hj-auth-lang">
        <LanguageSwitch />
      </div>
      <div className="hj-auth-brand">
        <h1>{t('app.name')}</h1>
        <p>{t('app.subtitle')}</p>
      </div>
      {children}
    </div>
  );
}
