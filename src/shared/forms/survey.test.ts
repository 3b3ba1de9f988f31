import { describe, expect, it } from 'vitest';
import { crossTabs, normaliseSurveyAnswers, surveyColumns, surveyOpen, tallySurvey, validateSurveyAnswers, type SurveyAnswers } from './survey';
import { surveyQuestionsSchema } from './survey-schema';
import { youngWorkersSurvey } from './survey-templates';

const questions = surveyQuestionsSchema.parse(youngWorkersSurvey.questions);
const regions = { counties: new Map([['370212', '青岛市崂山区'], ['370202', '青岛市市南区']]) };
const name = (code: string) => regions.counties.get(code) ?? code;
const good: SurveyAnswers = {
  region: '370212',
  unitType: '企业',
  age: '30岁以下',
  hours: '51—60小时',
  pressure: ['住房', '收入水平'],
  satisfaction: 4,
  conditions: [3, 2, 4],
  suggestion: '希望多举办青年沙龙。',
};

describe('survey definitions', () => {
  it('accept the Qingdao questions and refuse duplicate keys, duplicate options and two region questions', () => {
    expect(questions).toHaveLength(9);
    expect(surveyQuestionsSchema.safeParse([...questions, { ...questions[2]! }]).success).toBe(false);
    expect(surveyQuestionsSchema.safeParse([{ key: 'a', kind: 'single_choice', label: 'x', options: ['是', '是'] }]).success).toBe(false);
    expect(surveyQuestionsSchema.safeParse([questions[0], { ...questions[0]!, key: 'region2' }]).success).toBe(false);
    expect(surveyQuestionsSchema.safeParse([]).success).toBe(false);
  });
});

describe('answer validation', () => {
  it('accepts a full answer and an answer without the optional ones', () => {
    expect(validateSurveyAnswers(questions, good, false, regions)).toEqual([]);
    const { suggestion: _s, ...rest } = good;
    expect(validateSurveyAnswers(questions, rest, false, regions)).toEqual([]);
  });

  it('names the question of each problem, in Chinese and in order', () => {
    const problems = validateSurveyAnswers(
      questions,
      { ...good, region: '3702', unitType: '外星机构', age: undefined, pressure: ['住房', '收入水平', '科研经费', '工作强度'], satisfaction: 6, conditions: [3, null, 4], suggestion: '很'.repeat(201), bogus: 'x' },
      false,
      regions,
    );
    expect(problems.map((p) => [p.field, p.code, p.params.label])).toEqual([
      ['answers.bogus', 'invalid', '答案“bogus”'],
      ['answers.region', 'region_not_county', '第1题“您的工作地点”'],
      ['answers.unitType', 'invalid_option', '第2题“您的工作单位类型”'],
      ['answers.age', 'required', '第3题“您的年龄”'],
      ['answers.pressure', 'too_many_selected', '第5题“您目前的主要压力来源（最多选3项）”'],
      ['answers.satisfaction', 'invalid_option', '第6题“您对目前工作状况的总体满意度”'],
      ['answers.conditions', 'matrix_row_missing', '第7题“请对以下方面的满意程度打分”'],
      ['answers.suggestion', 'too_many_words', '第8题“您对科协服务青年科技工作者的意见建议”'],
    ]);
    expect(problems.find((p) => p.code === 'too_many_words')!.params).toMatchObject({ max: 200, count: 201 });
    expect(problems.find((p) => p.code === 'matrix_row_missing')!.params.row).toBe('薪酬待遇');
  });

  it('counts 字数 as Word does: 200 Chinese characters pass, English words count one each', () => {
    expect(validateSurveyAnswers(questions, { ...good, suggestion: '很'.repeat(200) }, false, regions)).toEqual([]);
    expect(validateSurveyAnswers(questions, { ...good, suggestion: 'more money please '.repeat(66) }, false, regions)).toEqual([]);
  });

  it('refuses a county outside the target regions and a scale given as text', () => {
    const problems = validateSurveyAnswers(questions, { ...good, region: '320102', satisfaction: '4' as unknown as number }, false, regions);
    expect(problems.map((p) => p.code)).toEqual(['region_outside', 'invalid_option']);
  });

  it('takes a contact only with consent, and checks its parts', () => {
    expect(validateSurveyAnswers(questions, { ...good, contact: { name: '张三', mobile: '13912345678' } }, false, regions)).toEqual([
      { field: 'consent', code: 'consent_required', params: { label: '第9题“如愿意接受回访，请留下联系方式”' } },
    ]);
    expect(validateSurveyAnswers(questions, { ...good, contact: { name: '张三', mobile: '139123' } }, true, regions).map((p) => [p.field, p.code])).toEqual([['answers.contact.mobile', 'mobile_format']]);
    expect(validateSurveyAnswers(questions, { ...good, contact: { name: '张三' } }, true, regions).map((p) => p.code)).toEqual(['required']);
    expect(validateSurveyAnswers(questions, { ...good, contact: { name: '张三', mobile: '139 1234 5678' } }, true, regions)).toEqual([]);
    // Consent without contact is fine: nothing is kept.
    expect(normaliseSurveyAnswers(questions, good, true).contact).toBeNull();
    const kept = normaliseSurveyAnswers(questions, { ...good, contact: { name: ' 张三 ', mobile: '139 1234 5678' } }, true);
    expect(kept.contact).toEqual({ name: '张三', mobile: '13912345678', email: undefined });
    expect(kept.answers).not.toHaveProperty('contact');
  });
});

describe('results', () => {
  const responses = [
    { answers: normaliseSurveyAnswers(questions, good, false).answers },
    { answers: normaliseSurveyAnswers(questions, { ...good, region: '370202', unitType: '高等院校', pressure: ['住房'], satisfaction: 2, conditions: [5, 5, 5], suggestion: '' }, false).answers },
    { answers: normaliseSurveyAnswers(questions, { ...good, age: '36—40岁', satisfaction: 4 }, false).answers },
  ];

  it('counts every option with percentages of those who answered, means of scales and the free texts', () => {
    const results = tallySurvey(questions, responses, name, 1);
    const byKey = Object.fromEntries(results.map((r) => [r.key, r]));
    expect(byKey.age).toMatchObject({ answered: 3, options: [{ label: '30岁以下', count: 2, percent: 66.7 }, { label: '30—35岁', count: 0, percent: 0 }, { label: '36—40岁', count: 1, percent: 33.3 }, { label: '40岁以上', count: 0, percent: 0 }] });
    expect(byKey.pressure).toMatchObject({ answered: 3, options: expect.arrayContaining([{ label: '住房', count: 3, percent: 100 }, { label: '收入水平', count: 2, percent: 66.7 }]) });
    expect(byKey.satisfaction).toMatchObject({ mean: 3.33, options: [{ count: 0 }, { count: 1 }, { count: 0 }, { count: 2 }, { count: 0 }] });
    expect(byKey.region).toMatchObject({ options: [{ label: '青岛市市南区', count: 1 }, { label: '青岛市崂山区', count: 2 }] });
    expect(byKey.conditions).toMatchObject({ rows: [{ label: '科研条件', mean: 3.67 }, { label: '薪酬待遇', mean: 3 }, { label: '职业发展', mean: 4.33 }] });
    expect(byKey.suggestion).toMatchObject({ answered: 2, texts: ['希望多举办青年沙龙。', '希望多举办青年沙龙。'] });
    expect(byKey.contact).toMatchObject({ answered: 1 });
  });

  it('cross-tabulates choice and scale questions by region and by unit type', () => {
    const tabs = crossTabs(questions, responses, name);
    const ageByRegion = tabs.find((t) => t.by === 'region' && t.questionKey === 'age')!;
    expect(ageByRegion.rows).toEqual([
      { label: '青岛市市南区', total: 1, counts: [1, 0, 0, 0] },
      { label: '青岛市崂山区', total: 2, counts: [1, 0, 1, 0] },
    ]);
    const satisfactionByType = tabs.find((t) => t.by === 'unit_type' && t.questionKey === 'satisfaction')!;
    expect(satisfactionByType.rows).toEqual([
      { label: '高等院校', total: 1, counts: [0, 1, 0, 0, 0] },
      { label: '企业', total: 2, counts: [0, 0, 0, 2, 0] },
    ]);
  });

  it('gives export columns that read the answers back', () => {
    const columns = surveyColumns(questions, name);
    expect(columns.map((c) => c.header)).toEqual([
      '1. 您的工作地点',
      '2. 您的工作单位类型',
      '3. 您的年龄',
      '4. 您平均每周工作时间',
      '5. 您目前的主要压力来源（最多选3项）',
      '6. 您对目前工作状况的总体满意度',
      '7. 请对以下方面的满意程度打分—科研条件',
      '7. 请对以下方面的满意程度打分—薪酬待遇',
      '7. 请对以下方面的满意程度打分—职业发展',
      '8. 您对科协服务青年科技工作者的意见建议',
    ]);
    expect(columns.map((c) => c.value(responses[0]!.answers))).toEqual(['青岛市崂山区（370212）', '企业', '30岁以下', '51—60小时', '住房；收入水平', 4, 3, 2, 4, '希望多举办青年沙龙。']);
  });

  it('is open only when published and inside the window', () => {
    const window = { opensAt: new Date('2026-05-01T00:00:00Z'), closesAt: new Date('2026-06-01T00:00:00Z') };
    expect(surveyOpen({ status: 'published', ...window }, new Date('2026-05-10T00:00:00Z'))).toBe(true);
    expect(surveyOpen({ status: 'draft', ...window }, new Date('2026-05-10T00:00:00Z'))).toBe(false);
    expect(surveyOpen({ status: 'published', ...window }, new Date('2026-06-01T00:00:00Z'))).toBe(false);
    expect(surveyOpen({ status: 'published', ...window }, new Date('2026-04-30T23:59:59Z'))).toBe(false);
  });
});
