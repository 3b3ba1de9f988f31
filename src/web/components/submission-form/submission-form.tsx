import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Space, Tooltip, Typography, type FormInstance } from 'antd';
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FileValue, FormDefinition, SectionDefinition } from '../../../shared/forms/definition';
import type { FormContext } from '../../../shared/forms/validate';
import { FillContext, type FillMode } from './fill-context';
import { FieldInput } from './field-input';
import { emptyItem, itemKeyName, type FillValues, type ProblemMap } from './values';

export interface SubmissionFormProps {
  form: FormInstance<FillValues>;
  definition: FormDefinition;
  context: FormContext;
  mode: FillMode;
  initialValues: FillValues;
  problems?: ProblemMap;
  /** The collector's comments on items, by item key, shown on the item cards. */
  itemComments?: Record<string, string> | undefined;
  /** Extra content at the foot of an item card (the collector's comment input). */
  renderItemExtra?: ((itemKey: string, index: number) => ReactNode) | undefined;
  /** Shown above the item cards (the quota summary). */
  itemsHeader?: ReactNode;
  /** At most this many items may be added. */
  maxItems?: number | null | undefined;
  upload?: ((fieldKey: string, file: File) => Promise<FileValue>) | undefined;
  /** Any change, including adding, removing and moving items. */
  onChange?: (() => void) | undefined;
  /** Focus left an input (a moment to save). */
  onBlur?: (() => void) | undefined;
  'data-testid'?: string;
}

const noProblems: ProblemMap = new Map();

/**
 * A form definition rendered as a unit fills it: the unit sections, then the items as repeated
 * cards ("特色亮点活动 1/2/3": add, remove, reorder), then the files handed in with it. The same
 * component shows a submission read-only to the collector and previews a form in the designer.
 */
export function SubmissionForm({
  form,
  definition,
  context,
  mode,
  initialValues,
  problems = noProblems,
  itemComments,
  renderItemExtra,
  itemsHeader,
  maxItems,
  upload,
  onChange,
  onBlur,
  ...rest
}: SubmissionFormProps) {
  const fill = useMemo(() => ({ mode, context, problems, upload }), [mode, context, problems, upload]);
  // The task's files section (报送材料) comes after the items it goes with.
  const trailing = definition.itemGroup && definition.unitSections.length > 0 && definition.unitSections.at(-1)!.fields.every((f) => f.kind === 'files') ? 1 : 0;
  const before = definition.unitSections.slice(0, definition.unitSections.length - trailing);
  const after = definition.unitSections.slice(definition.unitSections.length - trailing);
  return (
    <FillContext value={fill}>
      <Form<FillValues>
        form={form}
        initialValues={initialValues}
        layout="horizontal"
        labelCol={{ flex: '150px' }}
        wrapperCol={{ flex: '1 1 0' }}
        labelWrap
        colon={false}
        disabled={mode === 'readonly'}
        className={mode === 'readonly' ? 'hj-fill hj-fill-readonly' : 'hj-fill'}
        data-testid={rest['data-testid'] ?? 'fill-form'}
        onValuesChange={() => onChange?.()}
        onBlur={() => onBlur?.()}
      >
        <Typography.Title level={4} className="hj-fill-title">
          {definition.title}
        </Typography.Title>
        {before.map((section, index) => (
          <SectionView key={`u${index}`} section={section} prefix={['fields']} abs={['fields']} />
        ))}
        {definition.itemGroup && (
          <ItemsView
            definition={definition}
            mode={mode}
            header={itemsHeader}
            itemComments={itemComments}
            renderItemExtra={renderItemExtra}
            maxItems={maxItems}
            onChange={onChange}
          />
        )}
        {after.map((section, index) => (
          <SectionView key={`a${index}`} section={section} prefix={['fields']} abs={['fields']} />
        ))}
      </Form>
    </FillContext>
  );
}

function SectionView({ section, prefix, abs }: { section: SectionDefinition; prefix: (string | number)[]; abs: (string | number)[] }) {
  return (
    <section className="hj-fill-section">
      {section.title && <div className="hj-fill-section-title">{section.title}</div>}
      {section.note && <Typography.Paragraph className="hj-fill-note">{section.note}</Typography.Paragraph>}
      {section.fields.map((field) => (
        <FieldInput key={field.key} field={field} name={[...prefix, field.key]} abs={[...abs, field.key]} />
      ))}
    </section>
  );
}

function ItemsView({
  definition,
  mode,
  header,
  itemComments,
  renderItemExtra,
  maxItems,
  onChange,
}: {
  definition: FormDefinition;
  mode: FillMode;
  header: ReactNode;
  itemComments: Record<string, string> | undefined;
  renderItemExtra: ((itemKey: string, index: number) => ReactNode) | undefined;
  maxItems: number | null | undefined;
  onChange: (() => void) | undefined;
}) {
  const { t } = useTranslation();
  const form = Form.useFormInstance<FillValues>();
  const group = definition.itemGroup!;
  const editable = mode !== 'readonly';
  return (
    <Form.List name="items">
      {(fields, { add, remove, move }) => (
        <div className="hj-fill-items" id="fill-items">
          {header}
          {fields.map((field, index) => {
            const itemKey = String(form.getFieldValue(['items', field.name, itemKeyName]) ?? '');
            const comment = itemKey ? itemComments?.[itemKey] : undefined;
            return (
              <Card
                key={field.key}
                size="small"
                className="hj-fill-item"
                id={`fill-item-${index}`}
                data-testid="item-card"
                data-item-key={itemKey}
                title={t('fill.itemTitle', { label: group.label, n: index + 1 })}
                extra={
                  editable && (
                    <Space size={0}>
                      <Tooltip title={t('fill.itemUp')}>
                        <Button
                          type="text"
                          size="small"
                          icon={<ArrowUpOutlined />}
                          disabled={index === 0}
                          aria-label={t('fill.itemUp')}
                          data-testid="item-move-up"
                          onClick={() => {
                            move(index, index - 1);
                            onChange?.();
                          }}
                        />
                      </Tooltip>
                      <Tooltip title={t('fill.itemDown')}>
                        <Button
                          type="text"
                          size="small"
                          icon={<ArrowDownOutlined />}
                          disabled={index === fields.length - 1}
                          aria-label={t('fill.itemDown')}
                          data-testid="item-move-down"
                          onClick={() => {
                            move(index, index + 1);
                            onChange?.();
                          }}
                        />
                      </Tooltip>
                      <Tooltip title={t('fill.itemRemove')}>
                        <Button
                          type="text"
                          size="small"
                          danger
                          icon={<DeleteOutlined />}
                          aria-label={t('fill.itemRemove')}
                          data-testid="item-remove"
                          onClick={() => {
                            remove(field.name);
                            onChange?.();
                          }}
                        />
                      </Tooltip>
                    </Space>
                  )
                }
              >
                {comment && <Alert type="warning" showIcon className="hj-fill-item-comment" title={t('fill.itemComment')} description={<span data-testid="item-comment">{comment}</span>} />}
                {group.sections.map((section, s) => (
                  <SectionView key={s} section={section} prefix={[field.name]} abs={['items', index]} />
                ))}
                {renderItemExtra?.(itemKey, index)}
              </Card>
            );
          })}
          {fields.length === 0 && <Typography.Paragraph type="secondary">{t('fill.noItems', { label: group.label })}</Typography.Paragraph>}
          {editable && (
            <Button
              type="dashed"
              block
              icon={<PlusOutlined />}
              data-testid="item-add"
              disabled={maxItems !== null && maxItems !== undefined && fields.length >= maxItems}
              onClick={() => {
                add(emptyItem());
                onChange?.();
              }}
            >
              {t('fill.itemAdd', { label: group.label })}
            </Button>
          )}
        </div>
      )}
    </Form.List>
  );
}
