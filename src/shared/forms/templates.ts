import type { FormDefinition } from './definition';

/**
 * Built-in forms reproducing the sample forms (样表) of the seeds. Campaign managers start from
 * one and adapt it in the designer; each task keeps the version it was issued with.
 */
const workPlanNote =
  '应突出重点，言简意赅，包括但不限于“五大模块”，列出最具特色亮点活动的工作思路、实施举措，时间、地点、人员、主题、主要安排、预期成效等要素，原则上每项活动500字以内，一项一表。';

/** 江苏省科协 2021 附件2: 特色亮点活动筹备方案（样表）— the full form. */
export const jiangsuFeaturedActivityForm: FormDefinition = {
  title: '2021年“全国科技工作者日”特色亮点活动筹备方案（样表）',
  sealLines: true,
  unitSections: [],
  itemGroup: {
    label: '特色亮点活动',
    sections: [
      {
        title: '一、基本信息',
        note: '注：中国科协将根据主办单位联系人和邮寄地址等信息，邮寄优秀组织单位或积极贡献单位牌匾，请务必详实准确。',
        fields: [
          { key: 'host', label: '主办单位名称', kind: 'short_text', required: true, maxLength: 100, maps: 'host' },
          { key: 'title', label: '主题活动名称', kind: 'short_text', required: true, maxLength: 100, maps: 'title' },
          { key: 'modules', label: '主题活动模块', kind: 'module', required: true, printHint: '(请在相应模块划 √, 可多选)', maps: 'modules' },
          { key: 'organiser', label: '承办单位名称', kind: 'short_text', required: false, maxLength: 100, maps: 'organiser' },
          { key: 'time', label: '拟举办时间', kind: 'phase', required: true, maps: 'phase' },
          { key: 'place', label: '拟举办地点', kind: 'short_text', required: true, maxLength: 100, maps: 'place' },
          { key: 'audience', label: '面向群体', kind: 'target_group', required: true, allowOther: true, maps: 'targetGroups' },
          { key: 'scale', label: '预计活动规模', kind: 'number', required: true, min: 1, max: 10_000_000, integer: true, unit: '人', maps: 'scale' },
          { key: 'contact', label: '主办单位联系人', kind: 'contact', required: true, requiredParts: ['name', 'officePhone', 'mobile', 'email'], maps: 'contact' },
          { key: 'mailingAddress', label: '主办单位邮寄地址', kind: 'address', required: true, maps: 'mailingAddress' },
        ],
      },
      {
        title: '二、工作方案',
        note: workPlanNote,
        fields: [{ key: 'workPlan', label: '工作方案', kind: 'long_text', required: true, maxWords: 500, maps: 'description' }],
      },
    ],
  },
};

/** 山东省科协 2021 附件: the shorter variant. */
export const shandongFeaturedActivityForm: FormDefinition = {
  title: '2021年“全国科技工作者日”特色亮点活动筹备方案（样表）',
  sealLines: true,
  unitSections: [],
  itemGroup: {
    label: '特色亮点活动',
    sections: [
      {
        title: '一、基本信息',
        fields: [
          { key: 'title', label: '活动名称', kind: 'short_text', required: true, maxLength: 100, maps: 'title' },
          { key: 'host', label: '主办单位', kind: 'short_text', required: true, maxLength: 100, maps: 'host' },
          { key: 'organiser', label: '承办单位', kind: 'short_text', required: false, maxLength: 100, maps: 'organiser' },
          { key: 'contact', label: '联系人', kind: 'contact', required: true, requiredParts: ['name', 'mobile'], maps: 'contact' },
        ],
      },
      {
        title: '二、工作方案',
        note: workPlanNote,
        fields: [{ key: 'workPlan', label: '工作方案', kind: 'long_text', required: true, maxWords: 500, maps: 'description' }],
      },
    ],
  },
};

/** The reports after the activities (Linyi, Shandong): text within a 字数 limit, stamped PDF and Word. */
export function reportForm(title: string, maxWords: number): FormDefinition {
  return {
    title,
    sealLines: true,
    unitSections: [
      {
        title: '报告',
        fields: [
          { key: 'report', label: '报告正文', kind: 'long_text', required: true, maxWords },
          { key: 'stampedPdf', label: '盖章PDF版', kind: 'files', required: true, kinds: ['pdf'], minCount: 1, maxCount: 1, maxBytes: 20 * 1024 * 1024 },
          { key: 'wordVersion', label: 'Word版', kind: 'files', required: true, kinds: ['docx', 'doc'], minCount: 1, maxCount: 1, maxBytes: 20 * 1024 * 1024 },
          { key: 'photos', label: '活动照片', kind: 'files', required: false, kinds: ['jpg', 'png'], minCount: 0, maxCount: 9, maxBytes: 10 * 1024 * 1024 },
          { key: 'video', label: '活动视频', kind: 'files', required: false, kinds: ['mp4'], minCount: 0, maxCount: 1, maxBytes: 500 * 1024 * 1024 },
          { key: 'mediaLinks', label: '媒体报道链接', kind: 'long_text', required: false, maxWords: 500, help: '每行一个链接' },
        ],
      },
    ],
    itemGroup: null,
  };
}

export const formTemplates = {
  jiangsu_featured_activity: { name: '特色亮点活动筹备方案（江苏样表）', definition: jiangsuFeaturedActivityForm },
  shandong_featured_activity: { name: '特色亮点活动筹备方案（山东样表）', definition: shandongFeaturedActivityForm },
  highlight_report: { name: '特色亮点活动情况报告（1000字以内）', definition: reportForm('特色亮点活动情况报告', 1000) },
  summary_report: { name: '活动总结报告（2000字以内）', definition: reportForm('“全国科技工作者日”活动总结报告', 2000) },
} as const;
export type FormTemplateKey = keyof typeof formTemplates;

/** The form of a task that names no form: hand in files (a report, a plan) with a note. */
export function plainTaskForm(title: string): FormDefinition {
  return {
    title,
    sealLines: false,
    unitSections: [
      {
        title: '报送材料',
        fields: [
          { key: 'files', label: '材料', kind: 'files', required: true, kinds: ['pdf', 'docx', 'doc', 'xlsx', 'xls', 'jpg', 'png'], minCount: 1, maxCount: 10, maxBytes: 20 * 1024 * 1024 },
          { key: 'note', label: '说明', kind: 'long_text', required: false, maxWords: 2000 },
        ],
      },
    ],
    itemGroup: null,
  };
}
