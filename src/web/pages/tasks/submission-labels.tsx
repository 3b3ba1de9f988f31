import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { MyTaskStatus } from '../../api/types';

const colors: Record<MyTaskStatus, string> = {
  not_started: 'default',
  draft: 'gold',
  submitted: 'blue',
  returned: 'red',
  accepted: 'green',
};

/** 未开始 / 草稿 / 已报送 / 已退回 / 已通过. */
export function SubmissionStatusTag({ status, 'data-testid': testId }: { status: MyTaskStatus; 'data-testid'?: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={colors[status] ?? 'default'} data-testid={testId} data-status={status}>
      {t(`submissionStatus.${status}`, { defaultValue: status })}
    </Tag>
  );
}
