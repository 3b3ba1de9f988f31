import { CheckCircleFilled, CloseCircleFilled, MinusCircleOutlined } from '@ant-design/icons';
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { checkPassword, type PasswordProblem } from '../../shared/domain/password-policy';

const rules: { key: 'ruleLength' | 'ruleClasses' | 'ruleCommon' | 'ruleUsername'; problems: PasswordProblem[] }[] = [
  { key: 'ruleLength', problems: ['too_short', 'too_long'] },
  { key: 'ruleClasses', problems: ['too_few_classes'] },
  { key: 'ruleCommon', problems: ['common'] },
  { key: 'ruleUsername', problems: ['contains_username'] },
];

/** The password policy as a live checklist, judged by the same checkPassword the server runs. */
export function PasswordPolicy({ password, username }: { password: string; username?: string | undefined }) {
  const { t } = useTranslation();
  const problems = new Set(checkPassword(password, username));
  const empty = password === '';
  return (
    <div data-testid="password-policy" style={{ marginBottom: 16 }}>
      <Typography.Text type="secondary">{t('password.policyTitle')}</Typography.Text>
      <ul style={{ listStyle: 'none', padding: 0, margin: '4px 0 0' }}>
        {rules.map((rule) => {
          const failed = rule.problems.some((p) => problems.has(p));
          const icon = empty ? (
            <MinusCircleOutlined style={{ color: 'rgba(0,0,0,0.25)' }} />
          ) : failed ? (
            <CloseCircleFilled style={{ color: '#ff4d4f' }} />
          ) : (
            <CheckCircleFilled style={{ color: '#52c41a' }} />
          );
          return (
            <li key={rule.key} data-ok={!empty && !failed} style={{ lineHeight: '22px' }}>
              {icon} <span style={{ marginLeft: 4 }}>{t(`password.${rule.key}`)}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
