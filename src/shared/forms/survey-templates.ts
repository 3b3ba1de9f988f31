import type { SurveyQuestion } from './survey';

/**
 * 青年科技工作者工作状况调查 (the Qingdao seed's survey): a ready-made set of questions a campaign
 * manager can start from, and the sample the tests answer.
 */
export const youngWorkersSurvey: { title: string; intro: string; questions: SurveyQuestion[] } = {
  title: '青岛市青年科技工作者工作状况调查',
  intro: '为深入了解我市青年科技工作者的工作和生活状况，倾听意见诉求，青岛市科协开展本次问卷调查。问卷匿名填写，约需 5 分钟。',
  questions: [
    { key: 'region', kind: 'region', label: '您的工作地点', required: true },
    { key: 'unitType', kind: 'unit_type', label: '您的工作单位类型', required: true },
    { key: 'age', kind: 'single_choice', label: '您的年龄', required: true, options: ['30岁以下', '30—35岁', '36—40岁', '40岁以上'] },
    { key: 'hours', kind: 'single_choice', label: '您平均每周工作时间', required: true, options: ['40小时以下', '40—50小时', '51—60小时', '60小时以上'] },
    { key: 'pressure', kind: 'multi_choice', label: '您目前的主要压力来源（最多选3项）', required: true, options: ['职称评审', '科研经费', '住房', '子女教育', '工作强度', '收入水平'], maxSelected: 3 },
    { key: 'satisfaction', kind: 'scale', label: '您对目前工作状况的总体满意度', required: true, lowLabel: '很不满意', highLabel: '很满意' },
    { key: 'conditions', kind: 'matrix', label: '请对以下方面的满意程度打分', required: true, rows: ['科研条件', '薪酬待遇', '职业发展'] },
    { key: 'suggestion', kind: 'text', label: '您对科协服务青年科技工作者的意见建议', required: false, maxWords: 200 },
    { key: 'contact', kind: 'contact', label: '如愿意接受回访，请留下联系方式', required: false },
  ],
};
