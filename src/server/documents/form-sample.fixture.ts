/**
 * A realistic filled Jiangsu sample form (附件2) for the document tests: 南京市科协 reports three
 * featured activities, one per phase, each with ticked modules and target groups, a contact and a
 * work plan of about 480 字; and the shorter Shandong variant from 烟台.
 */
import { defaultModules, defaultPhases, defaultTargetGroups } from '../../shared/domain/campaigns';
import type { SubmissionValues } from '../../shared/forms/definition';
import { jiangsuFeaturedActivityForm, shandongFeaturedActivityForm } from '../../shared/forms/templates';
import type { FilledFormInput, FormRenderContext } from './form-document';

export const sampleContext: FormRenderContext = {
  phases: defaultPhases(2021),
  modules: defaultModules,
  targetGroups: defaultTargetGroups,
};

const plans = [
  [
    '为深入学习贯彻习近平总书记关于科技创新的重要论述，迎接中国科协第十次全国代表大会召开，市科协定于5月18日在南京市科学会堂举办“众心向党、自立自强”科技工作者座谈会，团结引领全市科技工作者听党话、跟党走。',
    '一、活动主题。以“众心向党、自立自强”为主题，讲述科技工作者与党同心同向同行的生动事例，展示新时代科技工作者的精神风貌。',
    '二、参加人员。邀请两院院士、最美科技工作者、青年科技人才代表、基层科协代表和企业科技工作者约200人参加，市领导出席并讲话。',
    '三、主要安排。上午9时举行开幕式，发布南京市2021年度“最美科技工作者”名单；随后由6位科技工作者讲述科研报国的经历；下午组织参观江苏省科技创新成果展和雨花台烈士纪念馆，开展党史学习教育现场教学。',
    '四、宣传报道。会前在“南京科协”微信公众号开设专栏预热，会中邀请新华日报、南京日报等媒体报道，会后在“科技工作者之家”平台推送活动视频和图文，扩大活动影响。',
    '五、预期成效。通过座谈交流和现场教学，进一步增强科技工作者的政治认同、思想认同和情感认同，激励广大科技工作者在建设创新名城中建功立业，以优异成绩庆祝中国共产党成立100周年。',
  ],
  [
    '围绕“科创中国”试点城市建设，市科协联合市科技局、江北新区管委会于5月28日至29日在江北新区研创园举办“科创中国”南京产学研对接会，推动科技成果转化落地，服务高质量发展。',
    '一、活动内容。设立集成电路、生物医药、智能制造三个专场，组织省级学会专家团队与园区企业面对面交流，现场征集企业技术需求不少于60项，发布高校院所可转化成果100项。',
    '二、组织方式。采取“线上＋线下”方式，线下邀请企业负责人和专家约300人参会，线上通过“科创中国”平台同步直播，预计在线观看人数超过2万人次。',
    '三、服务举措。为对接成功的项目建立跟踪服务台账，由学会服务站提供专利导航、技术评估和融资对接服务；对重点项目实行“一企一策”，协调解决落地过程中的困难和问题。',
    '四、预期成效。促成产学研合作协议20项以上，培育科技型中小企业10家，形成可复制推广的“学会＋园区＋企业”协同创新模式，为新发展格局贡献科协力量。',
  ],
  [
    '为庆祝中国共产党成立100周年，落实“我为群众办实事”实践活动要求，市科协于6月10日至20日组织开展“科技志愿服务进社区 献礼建党百年”系列活动，以科技志愿服务凝聚科技工作者、服务基层群众。',
    '一、活动安排。依托全市12个区的新时代文明实践中心和党群服务中心，组建医疗卫生、应急安全、农业技术、青少年科普等15支科技志愿服务队，每支服务队在社区开展不少于2场服务。',
    '二、服务内容。开展健康义诊、防灾减灾演练、反诈骗科普讲座、青少年科学实验秀等活动；组织“三长”深入乡村和社区，为群众解难题、办实事；同步征集群众对科普服务的意见建议。',
    '三、保障措施。制定疫情防控和安全工作预案，为志愿者统一购买保险；活动结束后评选优秀科技志愿服务队和优秀志愿者，在“全国科技工作者日”专题栏目集中展示。',
    '四、预期成效。服务群众不少于1万人次，发放科普资料2万份，进一步擦亮“南京科技志愿服务”品牌，让科技工作者在服务群众中感受“节”的温馨。',
  ],
];

export const sampleActivities = [
  {
    title: '“众心向党、自立自强”南京科技工作者座谈会',
    modules: ['unite', 'honour'],
    phase: { phaseId: 'p1', startDate: '2021-05-18', endDate: '2021-05-18' },
    place: '南京市科学会堂',
    audience: { selected: ['cadres', 'workers'], other: '青年科技人才' },
    scale: 200,
  },
  {
    title: '“科创中国”南京产学研对接会',
    modules: ['serve', 'open'],
    phase: { phaseId: 'p2', startDate: '2021-05-28', endDate: '2021-05-29' },
    place: '南京江北新区研创园',
    audience: { selected: ['workers', 'overseas'] },
    scale: 300,
  },
  {
    title: '科技志愿服务进社区 献礼建党百年',
    modules: ['home', 'serve'],
    phase: { phaseId: 'p3', startDate: '2021-06-10', endDate: '2021-06-20' },
    place: '南京市各区新时代文明实践中心',
    audience: { selected: ['public'] },
    scale: 10000,
  },
] as const;

export function jiangsuSampleValues(): SubmissionValues {
  return {
    fields: {},
    items: sampleActivities.map((activity, i) => ({
      key: `a${i + 1}`,
      fields: {
        host: '南京市科学技术协会',
        title: activity.title,
        modules: [...activity.modules],
        organiser: i === 1 ? '南京江北新区管理委员会、南京市科学技术局' : '南京市科技工作者服务中心',
        time: { ...activity.phase },
        place: activity.place,
        audience: { selected: [...activity.audience.selected], ...('other' in activity.audience && { other: activity.audience.other }) },
        scale: activity.scale,
        contact: { name: '王晓明', officePhone: '025-83621234', mobile: '13951612345', fax: '025-83621235', email: 'kexie_xuanchuan@njast.org.cn' },
        mailingAddress: '江苏省南京市玄武区北京东路41号南京市科学技术协会 210008',
        workPlan: plans[i]!.join('\n'),
      },
    })),
  };
}

export function jiangsuSampleInput(): FilledFormInput {
  return {
    form: jiangsuFeaturedActivityForm,
    context: sampleContext,
    unitName: '南京市科学技术协会',
    submittedAt: new Date('2021-05-11T06:30:00Z'),
    values: jiangsuSampleValues(),
  };
}

export function shandongSampleInput(): FilledFormInput {
  return {
    form: shandongFeaturedActivityForm,
    context: sampleContext,
    unitName: '烟台市科学技术协会',
    submittedAt: null,
    values: {
      fields: {},
      items: [
        {
          key: 'yt1',
          fields: {
            title: '烟台市“最美科技工作者”学习宣传活动',
            host: '烟台市科学技术协会',
            organiser: '烟台市科技馆',
            contact: { name: '许超', mobile: '13853512345', officePhone: '0535-6203817' },
            workPlan:
              '5月下旬，在烟台市科技馆举办“最美科技工作者”事迹报告会，邀请获评的10位科技工作者讲述扎根一线、服务发展的故事，组织市直部门、高校和企业科技工作者约300人现场聆听，并通过烟台日报、胶东在线进行报道。\n报告会后制作事迹展板，在全市各区市科技馆和新时代文明实践中心巡回展出，营造尊重知识、尊重人才、尊重创造的良好氛围。',
          },
        },
      ],
    },
  };
}
