import { Select, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { activityStatusOrder } from '../../api/campaigns';
import type { ActivityStatus } from '../../api/types';

const colors: Record<ActivityStatus, string> = { planned: 'default', preparing: 'blue', held: 'green', reported: 'purple' };

export function useActivityStatusLabel() {
  const { t } = useTranslation();
  return (status: ActivityStatus) => t(`activityStatus.${status}`);
}

export function ActivityStatusTag({ status }: { status: ActivityStatus }) {
  const label = useActivityStatusLabel();
  return <Tag color={colors[status]}>{label(status)}</Tag>;
}

export function ActivityStatusSelect({
  value,
  onChange,
  loading,
  disabled,
  ...rest
}: {
  value?: ActivityStatus;
  onChange?: (status: ActivityStatus) => void;
  loading?: boolean;
  disabled?: boolean;
  id?: string;
  'data-testid'?: string;
}) {
  const label = useActivityStatusLabel();
  return (
    <Select<ActivityStatus>
      {...rest}
      value={value}
      onChange={onChange}
      loading={loading}
      disabled={disabled}
      style={{ width: 120 }}
      options={activityStatusOrder.map((s) => ({ value: s, label: label(s) }))}
    />
  );
}
