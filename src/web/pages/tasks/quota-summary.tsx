import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import type { QuotaState } from '../../components/submission-form/values';

/** "已填 2 项，至少 3 项，每个阶段至少 1 项：缺第三阶段" — how far the items meet the task's quota. */
export function QuotaSummary({ state, label, problems }: { state: QuotaState; label: string; problems?: readonly string[] | undefined }) {
  const { t } = useTranslation();
  const { quota } = state;
  const parts = [t('fill.quota.count', { count: state.count, label })];
  if (quota.minItems > 0) parts.push(t('fill.quota.min', { min: quota.minItems }));
  if (quota.maxItems !== null) parts.push(t('fill.quota.max', { max: quota.maxItems }));
  if (state.checksPhases) {
    parts.push(
      state.missingPhases.length > 0
        ? t('fill.quota.phaseMissing', { phases: state.missingPhases.map((p) => p.name).join(t('fill.quota.listSeparator')) })
        : t('fill.quota.phaseOk'),
    );
  }
  const ok = state.ok && !problems?.length;
  return (
    <Alert
      className="hj-quota"
      type={ok ? 'success' : 'warning'}
      showIcon
      data-testid="quota-summary"
      data-ok={ok ? 'true' : 'false'}
      title={parts.join(t('fill.quota.separator'))}
      description={problems?.length ? <div className="ant-form-item-explain-error">{problems.join('；')}</div> : undefined}
    />
  );
}

/** Brings the first field with a problem (or the unmet quota) into view, once it is rendered. */
export function scrollToProblem() {
  window.setTimeout(() => {
    const target = document.querySelector('.hj-fill .ant-form-item-has-error, .hj-fill [data-testid="quota-summary"][data-ok="false"]');
    target?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, 80);
}
