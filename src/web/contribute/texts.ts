/**
 * The public contribution page's texts, kept here rather than in the app's i18n resources so that
 * a phone opening a shared link downloads a few kilobytes of text, not the whole application's.
 */
export type ContributeLanguage = 'zh-CN' | 'en';

const zh = {
  site: '汇聚 · 科技工作者日专题',
  switchLanguage: 'English',
  loading: '正在加载…',
  networkError: '网络异常，请稍后重试',
  notFound: '没有找到该征集，或征集已撤下',
  toColumn: '返回专题栏目',
  window: '征集时间：{opens} 至 {closes}',
  closed: '本次征集当前不接收投稿（征集时间之外）。',
  kinds: '征集作品：{kinds}',
  kind_video: '短视频',
  kind_photo: '照片',
  kind_letter: '书信',
  formTitle: '我要投稿',
  fieldKind: '作品类型',
  fieldTitle: '作品标题',
  fieldCreditName: '署名姓名（公开展示）',
  fieldWorkUnit: '工作单位（公开展示）',
  fieldEmail: '电子邮箱（仅用于通知审核结果，不公开）',
  fieldFile: '作品文件',
  fileHint_video: 'MP4 格式，不超过 {mb} MB',
  fileHint_photo: 'JPG 或 PNG 格式，不超过 {mb} MB',
  fieldLetter: '书信正文',
  wordCount: '{count} / {max} 字',
  consentTitle: '个人信息与公开展示同意',
  consentAgree: '我已阅读并同意上述内容',
  submit: '提交作品',
  submitting: '正在提交…',
  submitted: '已收到您的作品“{title}”。审核结果将发送到您填写的邮箱；通过审核后将在专题栏目展示。',
  another: '再投一件',
  fixFields: '请检查标出的内容',
  tooMany: '提交过于频繁，请稍后再试',
  worksLink: '查看已展示的作品',
  worksTitle: '入选作品',
  worksEmpty: '暂无已展示的作品',
  toCall: '返回征集页',
  byline: '{name} · {unit}',
  previous: '上一页',
  next: '下一页',
};

const en: typeof zh = {
  site: 'Huiju · S&T Workers Day',
  switchLanguage: '中文',
  loading: 'Loading…',
  networkError: 'Network problem; please try again later',
  notFound: 'This call was not found or has been withdrawn',
  toColumn: 'Back to the column',
  window: 'Open from {opens} to {closes}',
  closed: 'This call does not take contributions now (outside its dates).',
  kinds: 'Accepted: {kinds}',
  kind_video: 'short video',
  kind_photo: 'photo',
  kind_letter: 'letter',
  formTitle: 'Send a work',
  fieldKind: 'Kind of work',
  fieldTitle: 'Title of the work',
  fieldCreditName: 'Name as credited (shown publicly)',
  fieldWorkUnit: 'Employer (shown publicly)',
  fieldEmail: 'E-mail (only to tell you the result; never shown)',
  fieldFile: 'File',
  fileHint_video: 'MP4, at most {mb} MB',
  fileHint_photo: 'JPG or PNG, at most {mb} MB',
  fieldLetter: 'Letter',
  wordCount: '{count} / {max} characters',
  consentTitle: 'Consent to personal data use and publication',
  consentAgree: 'I have read and agree to the above',
  submit: 'Send',
  submitting: 'Sending…',
  submitted: 'We received “{title}”. The result goes to your e-mail; once approved, the work is shown on the column.',
  another: 'Send another',
  fixFields: 'Please check the marked fields',
  tooMany: 'Too many submissions; please try again later',
  worksLink: 'See the works shown',
  worksTitle: 'Selected works',
  worksEmpty: 'No works shown yet',
  toCall: 'Back to the call',
  byline: '{name} · {unit}',
  previous: 'Previous',
  next: 'Next',
};

export type TextKey = keyof typeof zh;

export function textsFor(language: ContributeLanguage) {
  const table = language === 'en' ? en : zh;
  return (key: TextKey, params: Record<string, string | number> = {}) => table[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
