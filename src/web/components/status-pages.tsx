import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useRouteError } from 'react-router';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={t('app.notFound')}
      extra={
        <Link to="/">
          <Button type="primary">{t('app.backHome')}</Button>
        </Link>
      }
    />
  );
}

export function ForbiddenResult({ title }: { title?: string }) {
  const { t } = useTranslation();
  return <Result status="403" title={title ?? t('common.forbiddenPage')} />;
}

/** Shown when a page fails to render or its code cannot be loaded (e.g. after a new release). */
export function RouteErrorPage() {
  const { t } = useTranslation();
  const error = useRouteError();
  console.error(error);
  return (
    <Result
      status="error"
      title={t('app.pageError')}
      extra={
        <Button type="primary" onClick={() => window.location.reload()}>
          {t('app.reload')}
        </Button>
      }
    />
  );
}
