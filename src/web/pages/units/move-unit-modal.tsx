import { useMutation } from '@tanstack/react-query';
import { Alert, Descriptions, Form, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import { unitPath } from '../../api/units';
import type { UnitDetail } from '../../api/types';
import { useLanguage } from '../../app/language';
import { UnitPicker, type PickedUnit } from '../../components/unit-picker';
import { useReportError } from '../../lib/errors';
import { validationText } from '../../lib/validation';

interface MoveValues {
  newParentId: PickedUnit | null;
}

interface MoveUnitModalProps {
  unit: UnitDetail;
  onClose: () => void;
  onMoved: (unit: UnitDetail) => void;
  onStale: (error: ApiError) => void;
}

/** 调整上级单位: the unit moves with its whole subtree under a parent chosen by search. */
export function MoveUnitModal({ unit, onClose, onMoved, onStale }: MoveUnitModalProps) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const reportError = useReportError();
  const [form] = Form.useForm<MoveValues>();
  const currentParent = unit.ancestors.at(-1);

  const move = useMutation({
    mutationFn: (newParentId: number) => api.post<UnitDetail>(`/units/${unit.id}/move`, { version: unit.version, newParentId }),
    onSuccess: onMoved,
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'stale_version') onStale(error);
      else reportError(error, form);
    },
  });

  return (
    <Modal
      open
      title={t('units.moveTitle', { name: unit.shortName })}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: move.isPending, 'data-testid': 'move-submit' }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={t('units.moveHint')} style={{ marginBottom: 16 }} />
      <Descriptions
        size="small"
        column={1}
        style={{ marginBottom: 16 }}
        items={[{ key: 'parent', label: t('units.moveCurrentParent'), children: currentParent ? unitPath(unit.ancestors) : '—' }]}
      />
      <Form<MoveValues>
        form={form}
        layout="vertical"
        data-testid="move-form"
        onFinish={(values) => {
          if (values.newParentId) move.mutate(values.newParentId.value);
        }}
      >
        <Form.Item
          name="newParentId"
          label={t('units.moveNewParent')}
          rules={[{ required: true, message: validationText('required', 'newParentId', language) }]}
        >
          <UnitPicker
            data-testid="move-parent-picker"
            style={{ width: '100%' }}
            // Neither the unit itself, nor anything below it, nor its current parent.
            exclude={(hit) => hit.id === unit.id || hit.id === currentParent?.id || hit.ancestors.some((a) => a.id === unit.id)}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
