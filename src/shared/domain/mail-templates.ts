/**
 * Outgoing mail by kind, each recognisably different from the others. Campaign managers may edit
 * them for their unit; {placeholders} are filled per recipient.
 */
export type MailKind = 'reminder' | 'overdue' | 'return' | 'accept' | 'decision';

export const mailPlaceholders = ['unit', 'task', 'notice', 'issuer', 'deadline', 'comment', 'link'] as const;
export type MailVariables = Partial<Record<(typeof mailPlaceholders)[number], string>>;

export const defaultMailTemplates: Record<MailKind, { subject: string; body: string }> = {
  reminder: {
    subject: '【催办】请于{deadline}前报送：{task}',
    body: '{unit}：\n\n{issuer}发出的《{notice}》要求报送“{task}”，截止时间为{deadline}。贵单位尚未报送，请抓紧办理。\n\n{comment}\n\n登录汇聚平台办理：{link}\n',
  },
  overdue: {
    subject: '【逾期提醒】已过截止时间：{task}',
    body: '{unit}：\n\n“{task}”的报送截止时间{deadline}已过，贵单位仍未报送。请尽快报送，或与{issuer}联系。\n\n登录汇聚平台办理：{link}\n',
  },
  return: {
    subject: '【退回修改】{task}',
    body: '{unit}：\n\n贵单位报送的“{task}”已被{issuer}退回，请按意见修改后重新报送。\n\n意见：{comment}\n\n登录汇聚平台修改：{link}\n',
  },
  accept: {
    subject: '【审核通过】{task}',
    body: '{unit}：\n\n贵单位报送的“{task}”已由{issuer}审核通过。{comment}\n',
  },
  decision: {
    subject: '【评选结果】{task}',
    body: '{unit}：\n\n{comment}\n\n详情见汇聚平台：{link}\n',
  },
};

export function renderMail(template: { subject: string; body: string }, variables: MailVariables): { subject: string; body: string } {
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in variables ? (variables[key as keyof MailVariables] ?? '') : whole));
  return { subject: fill(template.subject).slice(0, 200), body: fill(template.body).replace(/\n{3,}/g, '\n\n') };
}

/**
 * Results of a public contribution (作品征集), mailed to the address the contributor gave. Not
 * editable per unit: the addressee is a member of the public, not a unit.
 */
export const contributionMailTemplates = {
  approved: {
    subject: '【作品征集】您的作品“{work}”已通过审核',
    body: '{name}：\n\n您向“{call}”提交的作品“{work}”已由{issuer}审核通过，现已在专题栏目公开展示：\n{link}\n\n感谢您的参与！如需撤下作品，请回复本邮件。\n',
  },
  rejected: {
    subject: '【作品征集】您的作品“{work}”未通过审核',
    body: '{name}：\n\n您向“{call}”提交的作品“{work}”经{issuer}审核未通过，不会公开展示。\n\n原因：{reason}\n\n感谢您的参与。\n',
  },
} as const;

export function renderContributionMail(kind: keyof typeof contributionMailTemplates, variables: Record<'name' | 'call' | 'work' | 'issuer' | 'link' | 'reason', string>): { subject: string; body: string } {
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in variables ? variables[key as keyof typeof variables] : whole));
  const template = contributionMailTemplates[kind];
  return { subject: fill(template.subject).slice(0, 200), body: fill(template.body) };
}
