import { GlobalOutlined } from '@ant-design/icons';
import { Button, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../app/language';

/** One button: switches between Chinese and English (remembered on this browser). */
export function LanguageSwitch({ dark = false }: { dark?: boolean }) {
  const { t } = useTranslation();
  const { language, setLanguage } = useLanguage();
  return (
    <Tooltip title={t('language.switchToHint')}>
      <Button
        data-testid="language-switch"
        type={dark ? 'text' : 'default'}
        style={dark ? { color: 'rgba(255,255,255,0.85)' } : undefined}
        icon={<GlobalOutlined />}
        lang={language === 'en' ? 'zh-CN' : 'en'}
        onClick={() => setLanguage(language === 'en' ? 'zh-CN' : 'en')}
      >
        {t('language.switchTo')}
      </Button>
    </Tooltip>
  );
}
