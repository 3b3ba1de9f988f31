/**
 * Messages the server and the browser share: error texts by stable code, and field labels used to
 * name the field in validation errors. The web app's own UI texts live in src/web/i18n/.
 */
export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];

export const errorMessages = {
  'zh-CN': {
    validation_failed: '提交的内容有误，请检查标出的字段',
    bad_request: '请求格式有误',
    unauthenticated: '请先登录',
    session_expired: '登录已过期，请重新登录',
    invalid_credentials: '用户名或密码错误',
    account_locked: '连续登录失败次数过多，账户已锁定，请于 {until} 后再试',
    account_disabled: '账户已停用，请联系本单位管理员',
    account_not_activated: '账户尚未激活，请使用激活链接设置密码',
    activation_invalid: '激活链接无效或已过期，请联系管理员重新发送',
    wrong_current_password: '当前密码不正确',
    password_change_required: '请先修改初始密码，再使用其他功能',
    forbidden: '无权执行此操作',
    csrf_failed: '请求校验失败，请刷新页面后重试',
    not_found: '未找到该记录，或您无权查看',
    stale_version: '该记录已被他人修改，请刷新后再保存（您的修改未保存）',
    duplicate_unit_name: '同一上级单位下已有名为“{name}”的单位',
    duplicate_region_code: '行政区划代码 {code} 已有对应的地方科协',
    duplicate_username: '用户名“{username}”已被使用',
    cannot_move_into_own_subtree: '不能把单位移动到它自己或它的下级单位之下',
    cannot_move_root: '根单位不能移动或停用',
    parent_inactive: '上级单位已停用，不能在其下添加或移入单位',
    role_not_grantable: '您不能授予“{role}”角色',
    campaign_exists: '{unit}已有 {year} 年度的活动',
    notice_not_editable: '通知已发出（或已撤回），不能再修改；如需更正请发补充通知',
    notice_not_received: '本单位未收到该通知',
    notice_already_forwarded: '本单位已转发过该通知',
    approval_not_pending: '该通知不在待会签状态，或本单位已作出决定',
    import_rejected: '导入未执行：有 {count} 行不符合要求，请按报告修改后重新导入',
    import_empty: '文件中没有数据行',
    unsupported_file: '不支持的文件类型，请上传 {allowed} 文件',
    file_too_large: '文件过大，最大 {max}',
    file_content_mismatch: '文件“{name}”的内容是 {kind}，与扩展名不符，请检查后重新上传',
    file_has_macros: '文件“{name}”含有宏，出于安全考虑不予接收，请另存为不含宏的格式',
    file_zip_bomb: '文件“{name}”解压后过大或结构异常，已拒绝',
    rate_limited: '请求过于频繁，请稍后再试',
    internal_error: '服务器内部错误，请稍后再试；如持续出现请联系管理员',
    database_unavailable: '数据库暂时不可用，请稍后再试',
  },
  en: {
    validation_failed: 'Some fields are invalid; please check the marked fields',
    bad_request: 'The request is malformed',
    unauthenticated: 'Please sign in',
    session_expired: 'Your session has expired; please sign in again',
    invalid_credentials: 'Wrong user name or password',
    account_locked: 'Too many failed sign-ins; the account is locked until {until}',
    account_disabled: 'This account is disabled; contact your unit administrator',
    account_not_activated: 'This account is not activated yet; use the activation link to set a password',
    activation_invalid: 'The activation link is invalid or has expired; ask an administrator for a new one',
    wrong_current_password: 'The current password is wrong',
    password_change_required: 'Change your initial password before doing anything else',
    forbidden: 'You are not allowed to do this',
    csrf_failed: 'Request check failed; reload the page and try again',
    not_found: 'Not found, or you may not see it',
    stale_version: 'Someone else changed this record; reload before saving (your changes were not saved)',
    duplicate_unit_name: 'The parent unit already has a unit named "{name}"',
    duplicate_region_code: 'Region code {code} already has its regional association',
    duplicate_username: 'User name "{username}" is taken',
    cannot_move_into_own_subtree: 'A unit cannot be moved under itself or its own subordinates',
    cannot_move_root: 'The root unit cannot be moved or deactivated',
    parent_inactive: 'The parent unit is deactivated',
    role_not_grantable: 'You may not grant the role "{role}"',
    campaign_exists: '{unit} already has a campaign for {year}',
    notice_not_editable: 'The notice has been issued (or withdrawn) and cannot change; send a supplementary notice to correct it',
    notice_not_received: 'Your unit did not receive this notice',
    notice_already_forwarded: 'Your unit has already forwarded this notice',
    approval_not_pending: 'The notice is not awaiting your unit’s approval',
    import_rejected: 'Nothing was imported: {count} rows are invalid; fix them as the report says and import again',
    import_empty: 'The file has no data rows',
    unsupported_file: 'Unsupported file type; upload a {allowed} file',
    file_too_large: 'The file is too large (at most {max})',
    file_content_mismatch: 'The content of "{name}" is {kind}, which does not match its extension',
    file_has_macros: '"{name}" contains macros and is refused; save it without macros',
    file_zip_bomb: '"{name}" unpacks to too much data or is malformed, and is refused',
    rate_limited: 'Too many requests; try again later',
    internal_error: 'Internal server error; try again later and tell your administrator if it persists',
    database_unavailable: 'The database is temporarily unavailable; try again shortly',
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type ErrorCode = keyof (typeof errorMessages)['zh-CN'];

/** Validation messages by issue kind, with {label} naming the field. */
export const validationMessages = {
  'zh-CN': {
    required: '{label}为必填项',
    invalid: '{label}格式不正确',
    too_short: '{label}至少 {min} 个字符',
    too_long: '{label}最多 {max} 个字符',
    too_small: '{label}不能小于 {min}',
    too_big: '{label}不能大于 {max}',
    invalid_option: '{label}的取值不在可选范围内',
    password_too_short: '密码至少 8 位',
    password_too_long: '密码最多 128 位',
    password_too_few_classes: '密码须包含大写字母、小写字母、数字、符号中的至少三类',
    password_common: '该密码过于常见，请换一个',
    password_contains_username: '密码不能包含用户名',
    phase_end_before_start: '{label}的结束日期早于开始日期',
    phase_overlaps_previous: '{label}与上一阶段的日期重叠',
    phase_outside_parent: '{label}超出了上级活动对应阶段的日期范围（只能缩小，不能扩大）',
    unknown_module: '{label}不是本年度活动的模块',
    deadline_after_upstream: '{label}晚于上级通知规定的截止时间 {upstream}，请提前',
    deadline_in_past: '{label}已经过去',
    document_number_format: '{label}格式应为“机关代字〔年份〕序号号”，如 苏科协发〔2021〕55号',
    no_recipients: '按所选{label}找不到任何收文单位',
  },
  en: {
    required: '{label} is required',
    invalid: '{label} is not valid',
    too_short: '{label} needs at least {min} characters',
    too_long: '{label} allows at most {max} characters',
    too_small: '{label} must be at least {min}',
    too_big: '{label} must be at most {max}',
    invalid_option: '{label} is not one of the allowed values',
    password_too_short: 'The password needs at least 8 characters',
    password_too_long: 'The password allows at most 128 characters',
    password_too_few_classes: 'The password needs 3 of: upper case, lower case, digits, symbols',
    password_common: 'This password is too common; choose another',
    password_contains_username: 'The password must not contain the user name',
    phase_end_before_start: '{label} ends before it starts',
    phase_overlaps_previous: '{label} overlaps the previous phase',
    phase_outside_parent: '{label} goes beyond the upper level’s phase (it may narrow dates, not widen them)',
    unknown_module: '{label} is not a module of this campaign',
    deadline_after_upstream: '{label} is later than the upstream deadline {upstream}; choose an earlier date',
    deadline_in_past: '{label} is in the past',
    document_number_format: '{label} must read 机关代字〔年份〕序号号, e.g. 苏科协发〔2021〕55号',
    no_recipients: 'No unit matches the chosen {label}',
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type ValidationCode = keyof (typeof validationMessages)['zh-CN'];

/** Labels naming fields in messages, keyed by the field's last path segment. */
export const fieldLabels: Record<Locale, Record<string, string>> = {
  'zh-CN': {
    username: '用户名', password: '密码', currentPassword: '当前密码', newPassword: '新密码', token: '激活码',
    displayName: '姓名', email: '电子邮箱', mobile: '手机', roles: '角色', role: '角色', unitId: '所属单位',
    unitIds: '单位', parentId: '上级单位', newParentId: '新上级单位', name: '单位全称', shortName: '单位简称',
    type: '单位类型', level: '级别', regionCode: '行政区划代码', tags: '标签', contactName: '联系人姓名',
    contactOfficePhone: '办公电话', contactMobile: '联系人手机', contactFax: '传真', contactEmail: '联系人电子邮箱',
    mailingAddress: '邮寄地址', version: '版本号', q: '搜索词', page: '页码', pageSize: '每页条数', id: '编号',
    status: '状态', mode: '开通方式', usernamePrefix: '用户名前缀', from: '开始时间', to: '结束时间', action: '操作',
    file: '文件',
    year: '年度', ordinal: '届次', theme: '节日主题', modules: '活动模块', phases: '活动阶段', startDate: '开始日期',
    endDate: '结束日期', targetGroups: '面向群体', keyDates: '重要时间节点', date: '日期', title: '标题', moduleId: '模块',
    place: '地点', description: '说明', departmentUnitIds: '责任部门', documentNumber: '文号', addresseeRules: '主送单位',
    addresseeText: '主送机关', bodyHtml: '正文', contacts: '联系人', phone: '电话', issueDate: '成文日期', signature: '署名',
    tasks: '报送要求', deadline: '截止日期', coIssuerUnitIds: '联合发文单位', attachments: '附件', reason: '原因',
    decision: '决定', comment: '意见', coverHtml: '转发说明',
  },
  en: {
    username: 'User name', password: 'Password', currentPassword: 'Current password', newPassword: 'New password',
    token: 'Activation code', displayName: 'Name', email: 'E-mail', mobile: 'Mobile', roles: 'Roles', role: 'Role',
    unitId: 'Unit', unitIds: 'Units', parentId: 'Parent unit', newParentId: 'New parent unit', name: 'Full name',
    shortName: 'Short name', type: 'Unit type', level: 'Level', regionCode: 'Region code', tags: 'Tags',
    contactName: 'Contact name', contactOfficePhone: 'Office phone', contactMobile: 'Contact mobile', contactFax: 'Fax',
    contactEmail: 'Contact e-mail', mailingAddress: 'Mailing address', version: 'Version', q: 'Search', page: 'Page',
    pageSize: 'Page size', id: 'Id', status: 'Status', mode: 'Activation mode', usernamePrefix: 'User name prefix',
    from: 'From', to: 'To', action: 'Action', file: 'File',
    year: 'Year', ordinal: 'Ordinal', theme: 'Theme', modules: 'Modules', phases: 'Phases', startDate: 'Start date',
    endDate: 'End date', targetGroups: 'Target groups', keyDates: 'Key dates', date: 'Date', title: 'Title', moduleId: 'Module',
    place: 'Place', description: 'Description', departmentUnitIds: 'Responsible departments', documentNumber: 'Document number',
    addresseeRules: 'Addressees', addresseeText: 'Addressee line', bodyHtml: 'Body', contacts: 'Contacts', phone: 'Phone',
    issueDate: 'Date of issue', signature: 'Signature', tasks: 'Requirements', deadline: 'Deadline',
    coIssuerUnitIds: 'Co-issuers', attachments: 'Attachments', reason: 'Reason', decision: 'Decision', comment: 'Comment',
    coverHtml: 'Cover note',
  },
};

export function formatMessage(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole));
}

export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'zh-CN';
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
}

export const unitTypeLabels: Record<Locale, Record<string, string>> = {
  'zh-CN': {
    regional_association: '地方科协',
    learned_society: '学会',
    society_branch: '分支机构/地方学会',
    enterprise_association: '企业科协',
    university_association: '高校科协',
    research_institute: '科研院所',
    science_popularization_base: '科普教育基地',
    government_bureau: '科技管理部门',
    internal_department: '机关部室',
    affiliated_institution: '直属单位',
  },
  en: {
    regional_association: 'Regional association',
    learned_society: 'Learned society',
    society_branch: 'Society branch',
    enterprise_association: 'Enterprise association',
    university_association: 'University association',
    research_institute: 'Research institute',
    science_popularization_base: 'Popular-science base',
    government_bureau: 'Government S&T bureau',
    internal_department: 'Internal department',
    affiliated_institution: 'Affiliated institution',
  },
};

export const unitLevelLabels: Record<Locale, Record<string, string>> = {
  'zh-CN': { national: '全国', provincial: '省级', city: '市级', county: '县级' },
  en: { national: 'National', provincial: 'Provincial', city: 'City', county: 'County' },
};

export const roleLabels: Record<Locale, Record<string, string>> = {
  'zh-CN': {
    system_admin: '系统管理员',
    unit_admin: '单位管理员',
    campaign_manager: '活动管理员',
    contact: '填报员',
    reviewer: '评审专家',
  },
  en: {
    system_admin: 'System administrator',
    unit_admin: 'Unit administrator',
    campaign_manager: 'Campaign manager',
    contact: 'Contact',
    reviewer: 'Reviewer',
  },
};
