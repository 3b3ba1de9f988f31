import { describe, expect, it } from 'vitest';
import { defaultModules, defaultPhases, defaultTargetGroups } from '../domain/campaigns';
import { formDefinitionSchema, quotaSchema, type SubmissionValues } from './definition';
import { formTemplates, jiangsuFeaturedActivityForm, shandongFeaturedActivityForm } from './templates';
import { validateSubmission } from './validate';

const ctx = { phases: defaultPhases(2021), modules: defaultModules, targetGroups: defaultTargetGroups };
const jiangsuQuota = quotaSchema.parse({ minItems: 3, onePerPhase: true });

const item = (n: number, phaseId: string, start: string, end: string) => ({
  key: `item${n}`,
  fields: {
    host: '南京市科学技术协会',
    title: `第${n}项活动`,
    modules: ['unite', 'serve'],
    organiser: '南京市科技馆',
    time: { phaseId, startDate: start, endDate: end },
    place: '南京市科技馆',
    audience: { selected: ['workers', 'public'], other: '中小学生' },
    scale: 500,
    contact: { name: '张三', officePhone: '025-83000000', mobile: '13800000000', email: 'zs@example.cn' },
    mailingAddress: '南京市玄武区北京东路1号',
    workPlan: '科'.repeat(480),
  },
});
const threeItems = (): SubmissionValues => ({
  fields: {},
  items: [item(1, 'p1', '2021-05-12', '2021-05-12'), item(2, 'p2', '2021-05-30', '2021-05-30'), item(3, 'p3', '2021-06-10', '2021-06-12')],
});

describe('form templates', () => {
  it('are valid definitions', () => {
    for (const template of Object.values(formTemplates)) expect(formDefinitionSchema.safeParse(template.definition).success).toBe(true);
  });
});

describe('validateSubmission', () => {
  it('accepts three complete Jiangsu items, one per phase', () => {
    expect(validateSubmission(jiangsuFeaturedActivityForm, ctx, threeItems(), jiangsuQuota, 'submit')).toEqual([]);
  });

  it('refuses a 工作方案 of 501 字, naming the item and the field', () => {
    const values = threeItems();
    values.items[1]!.fields.workPlan = '科'.repeat(501);
    expect(validateSubmission(jiangsuFeaturedActivityForm, ctx, values, jiangsuQuota, 'submit')).toEqual([
      { field: 'items.1.workPlan', code: 'too_many_words', params: { label: '第2项特色亮点活动的工作方案', max: 500, count: 501 } },
    ]);
  });

  it('refuses an item without modules', () => {
    const values = threeItems();
    values.items[0]!.fields.modules = [];
    expect(validateSubmission(jiangsuFeaturedActivityForm, ctx, values, jiangsuQuota, 'submit')).toEqual([
      { field: 'items.0.modules', code: 'required', params: { label: '第1项特色亮点活动的主题活动模块' } },
    ]);
  });

  it('keeps the quota: at least 3, one per phase', () => {
    const values = threeItems();
    values.items = values.items.slice(0, 2);
    const problems = validateSubmission(jiangsuFeaturedActivityForm, ctx, values, jiangsuQuota, 'submit');
    expect(problems.map((p) => p.code)).toEqual(['quota_min_items', 'quota_one_per_phase']);
    expect(problems[1]!.params.phases).toBe('第三阶段');
  });

  it('keeps dates inside the chosen phase and checks contact parts', () => {
    const values = threeItems();
    values.items[0]!.fields.time = { phaseId: 'p1', startDate: '2021-05-20', endDate: '2021-05-28' };
    values.items[2]!.fields.contact = { name: '李四', officePhone: '', mobile: '13800000000', email: 'not-mail' };
    const problems = validateSubmission(jiangsuFeaturedActivityForm, ctx, values, jiangsuQuota, 'submit');
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['items.0.time.startDate', 'date_outside_phase'],
      ['items.2.contact.officePhone', 'required'],
      ['items.2.contact.email', 'invalid'],
    ]);
  });

  it('lets a draft be incomplete but not malformed', () => {
    const draft: SubmissionValues = { fields: {}, items: [{ key: 'a', fields: { title: '半成品', scale: -3 } }] };
    expect(validateSubmission(jiangsuFeaturedActivityForm, ctx, draft, jiangsuQuota, 'draft').map((p) => p.code)).toEqual(['too_small']);
  });

  it('holds Shandong to 1–2 items', () => {
    const quota = quotaSchema.parse({ minItems: 1, maxItems: 2 });
    const values: SubmissionValues = {
      fields: {},
      items: [1, 2, 3].map((n) => ({ key: `i${n}`, fields: { title: `活动${n}`, host: '烟台市科协', contact: { name: '许超', mobile: '13900000000' }, workPlan: '方案' } })),
    };
    expect(validateSubmission(shandongFeaturedActivityForm, ctx, values, quota, 'submit').map((p) => p.code)).toEqual(['quota_max_items']);
  });
});
