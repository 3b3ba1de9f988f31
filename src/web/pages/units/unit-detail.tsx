import {
  ApartmentOutlined,
  CloudUploadOutlined,
  DragOutlined,
  EditOutlined,
  PauseCircleOutlined,
  PlayCircleOutlined,
  PlusOutlined,
  TeamOutlined,
  UsergroupAddOutlined,
} from '@ant-design/icons';
import { Alert, Breadcrumb, Button, Card, Descriptions, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { UnitDetail as UnitDetailView } from '../../api/types';
import { useLanguage } from '../../app/language';
import { formatDateTime, unitLevelLabel, unitTypeLabel } from '../../lib/labels';
import { labelOf } from '../../lib/validation';

export type UnitAction = 'edit' | 'addChild' | 'move' | 'deactivate' | 'reactivate' | 'import' | 'bulkAccounts' | 'viewAccounts';

interface UnitDetailProps {
  unit: UnitDetailView;
  /** May the signed-in user manage accounts (unit or system administrator)? */
  canManageUsers: boolean;
  busy: boolean;
  onAction: (action: UnitAction) => void;
  onNavigate: (id: number) => void;
}

const dash = (value: string | null | undefined) => (value === null || value === undefined || value === '' ? '—' : value);

/** The selected unit: its details, and the actions the server says this user may take on it. */
export function UnitDetail({ unit, canManageUsers, busy, onAction, onNavigate }: UnitDetailProps) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const label = (field: string) => labelOf(field, language);

  const actions = [
    unit.canEdit && { key: 'edit', testId: 'unit-edit', icon: <EditOutlined />, text: t('units.edit'), primary: true },
    unit.canEdit && unit.active && { key: 'addChild', testId: 'unit-add-child', icon: <PlusOutlined />, text: t('units.addChild') },
    unit.canRestructure && { key: 'move', testId: 'unit-move', icon: <DragOutlined />, text: t('units.move') },
    unit.canRestructure &&
      unit.active && { key: 'deactivate', testId: 'unit-deactivate', icon: <PauseCircleOutlined />, text: t('units.deactivate'), danger: true },
    unit.canRestructure &&
      !unit.active && { key: 'reactivate', testId: 'unit-reactivate', icon: <PlayCircleOutlined />, text: t('units.reactivate') },
    unit.canEdit && { key: 'import', testId: 'unit-import', icon: <CloudUploadOutlined />, text: t('units.import') },
    unit.canEdit &&
      canManageUsers &&
      unit.active &&
      unit.childCount > 0 && { key: 'bulkAccounts', testId: 'unit-bulk-accounts', icon: <UsergroupAddOutlined />, text: t('units.bulkAccounts') },
    canManageUsers && unit.canEdit && { key: 'viewAccounts', testId: 'unit-view-accounts', icon: <TeamOutlined />, text: t('units.viewAccounts') },
  ].filter((a) => a !== false) as { key: UnitAction; testId: string; icon: ReactNode; text: string; primary?: boolean; danger?: boolean }[];

  return (
    <Card data-testid="unit-detail" data-unit-id={unit.id}>
      {unit.ancestors.length > 0 && (
        <Breadcrumb
          aria-label={t('units.breadcrumb')}
          style={{ marginBottom: 8 }}
          items={[
            ...unit.ancestors.map((a) => ({
              key: a.id,
              title: (
                <a
                  href={`/units?unit=${a.id}`}
                  onClick={(event) => {
                    event.preventDefault();
                    onNavigate(a.id);
                  }}
                >
                  {a.shortName}
                </a>
              ),
            })),
            { key: unit.id, title: unit.shortName },
          ]}
        />
      )}
      <Space align="center" wrap style={{ display: 'flex', marginBottom: 12 }}>
        <ApartmentOutlined style={{ fontSize: 20, color: '#1668dc' }} />
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="unit-detail-name">
          {unit.name}
        </Typography.Title>
        {unit.active ? <Tag color="green">{t('units.active')}</Tag> : <Tag color="default">{t('units.inactive')}</Tag>}
      </Space>

      {actions.length > 0 && (
        <Space wrap style={{ display: 'flex', marginBottom: 16 }}>
          {actions.map((a) => (
            <Button
              key={a.key}
              data-testid={a.testId}
              icon={a.icon}
              type={a.primary ? 'primary' : 'default'}
              danger={a.danger}
              disabled={busy}
              onClick={() => onAction(a.key)}
            >
              {a.text}
            </Button>
          ))}
        </Space>
      )}

      {unit.personalDataMasked && <Alert type="info" showIcon title={t('units.maskedNote')} style={{ marginBottom: 16 }} />}

      <Descriptions
        title={t('units.sectionBasic')}
        bordered
        size="small"
        column={{ xs: 1, sm: 1, md: 2 }}
        items={[
          { key: 'name', label: label('name'), children: unit.name, span: 2 },
          { key: 'shortName', label: label('shortName'), children: unit.shortName },
          { key: 'type', label: label('type'), children: unitTypeLabel(unit.type, language) },
          { key: 'level', label: label('level'), children: unitLevelLabel(unit.level, language) },
          { key: 'regionCode', label: label('regionCode'), children: dash(unit.regionCode) },
          {
            key: 'tags',
            label: label('tags'),
            span: 2,
            children:
              unit.tags.length === 0 ? (
                '—'
              ) : (
                <Space size={[4, 4]} wrap>
                  {unit.tags.map((tag) => (
                    <Tag key={tag}>{tag}</Tag>
                  ))}
                </Space>
              ),
          },
          { key: 'children', label: t('units.childrenLabel'), children: t('units.children', { count: unit.childCount }) },
          { key: 'updatedAt', label: t('units.updatedAt'), children: formatDateTime(unit.updatedAt, language) },
        ]}
      />
      <Descriptions
        title={t('units.sectionContact')}
        bordered
        size="small"
        column={{ xs: 1, sm: 1, md: 2 }}
        style={{ marginTop: 16 }}
        data-testid="unit-contact"
        items={[
          { key: 'contactName', label: label('contactName'), children: dash(unit.contact.name) },
          { key: 'contactOfficePhone', label: label('contactOfficePhone'), children: dash(unit.contact.officePhone) },
          { key: 'contactMobile', label: label('contactMobile'), children: dash(unit.contact.mobile) },
          { key: 'contactFax', label: label('contactFax'), children: dash(unit.contact.fax) },
          { key: 'contactEmail', label: label('contactEmail'), children: dash(unit.contact.email), span: 2 },
          { key: 'mailingAddress', label: label('mailingAddress'), children: dash(unit.mailingAddress), span: 2 },
        ]}
      />
    </Card>
  );
}
