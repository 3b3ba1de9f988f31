import { FolderOpenOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Empty, InputNumber, List, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { recentRounds } from '../../api/selection';
import { useLanguage } from '../../app/language';
import { formatDateTime } from '../../lib/labels';
import { useRequiredSession } from '../../session/session';

/**
 * /evaluations — 评选: start a round, or return to one. The API lists no rounds, so the rounds this
 * browser created or opened are remembered here; any other is opened by its number.
 */
export default function EvaluationsPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const session = useRequiredSession();
  const navigate = useNavigate();
  const [roundId, setRoundId] = useState<number | null>(null);
  const recent = recentRounds(session.user.id);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="evaluations-page">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('evaluation.title')}
        </Typography.Title>
        <Link to="/evaluations/new">
          <Button type="primary" icon={<PlusOutlined />} data-testid="evaluation-create">
            {t('evaluation.create')}
          </Button>
        </Link>
      </Space>
      <Card size="small" title={t('evaluation.recent')}>
        {recent.length === 0 ? (
          <Empty description={t('evaluation.noRecent')} />
        ) : (
          <List
            size="small"
            dataSource={recent}
            renderItem={(r) => (
              <List.Item key={r.id} data-testid="evaluation-recent" extra={<Typography.Text type="secondary">{formatDateTime(r.openedAt, language)}</Typography.Text>}>
                <Link to={`/evaluations/${r.id}`}>{r.title}</Link>
                <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                  {r.unitName} · #{r.id}
                </Typography.Text>
              </List.Item>
            )}
          />
        )}
      </Card>
      <Card size="small" title={t('evaluation.openById')}>
        <Space.Compact>
          <InputNumber min={1} precision={0} value={roundId} onChange={(v) => setRoundId(v)} placeholder={t('evaluation.roundNumber')} style={{ width: 160 }} data-testid="evaluation-open-id" />
          <Button icon={<FolderOpenOutlined />} disabled={!roundId} onClick={() => void navigate(`/evaluations/${roundId}`)}>
            {t('evaluation.open')}
          </Button>
        </Space.Compact>
      </Card>
    </Space>
  );
}
