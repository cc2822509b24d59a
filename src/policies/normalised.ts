import type { Localized } from '../db/schema/policies';
import type { Rule } from './rules';
import type { PolicyInput } from './schemas';

/**
 * Normalised assistance (常态化帮扶), from 2026-01-01. The 2021 guidance (seed 004) ended with the
 * transition period: "政策执行期限截止2025年12月31日". The national 人社部发〔2023〕44号 (seed 000)
 * sets no end date and mandates several of the same measures again; Honghe's 红人社发〔2024〕2号
 * (seed 002) repeats them for the prefecture. The ministries' 2026 deployment keeps yearly targets,
 * monitoring and the same instruments (Xinhua report, https://cinic.org.cn/xw/fp/1625454.html) but
 * names no measure of its own, so each entry below cites the seed article it rests on. No amount or
 * condition is added: where the documents leave them to local rules, the entry says so, and a
 * county or prefecture administrator adds the local version (POST /policies with `overrides`).
 */
const FROM = '2026-01-01';

const D44 = '人社部发〔2023〕44号';
const HONGHE = '红人社发〔2024〕2号';

const ASK_WORKER: Localized = {
  'zh-CN': '向当地人社部门或村里、乡镇的“家门口”就业服务站咨询，了解当地的政策清单和办理流程。',
  en: 'Ask the local human resources and social security office (人社部门) or the employment service station near your home about the local policy list and the steps.',
};
const ASK_OFFICE: Localized = {
  'zh-CN': '向当地人社部门咨询本地的政策清单和经办流程。',
  en: 'Ask the local human resources and social security office (人社部门) for the local policy list and procedure.',
};
const APPLY: Localized = { 'zh-CN': '按当地的经办流程提出申请，由人社部门按规定审核。', en: 'Apply following the local procedure; the office checks it under the local rules.' };
const WHERE_WORKER: Localized = {
  'zh-CN': '当地人社部门，或村里、乡镇的“家门口”就业服务站',
  en: 'The local human resources and social security office, or the employment service station near your home',
};
const WHERE_OFFICE: Localized = { 'zh-CN': '当地人力资源社会保障部门（人社部门）', en: 'The local human resources and social security office (人社部门)' };

/** 44号 一: "脱贫人口（含防止返贫监测对象，下同）" — monitored people are counted with the lifted. */
const LIFTED_OR_MONITORED: Rule = { all: [{ fact: 'category', op: 'in', value: ['lifted', 'monitored'] }] };
const ANYONE: Rule = { all: [] };

export const NORMALISED: PolicyInput[] = [
  {
    key: 'flexible_employment_social_insurance_subsidy_2026',
    continues: 'flexible_employment_social_insurance_subsidy',
    title: { 'zh-CN': '灵活就业社会保险补贴（常态化帮扶）', en: 'Social insurance subsidy for flexible work (normalised assistance)' },
    summary: {
      'zh-CN': '脱贫人口（含监测对象）打零工、做非全日制等灵活工作的，交社保时可以按当地规定申请社会保险补贴。',
      en: 'If you were lifted out of poverty (or are monitored) and do flexible work, you can apply for a social insurance subsidy under local rules.',
    },
    audience: 'worker',
    benefit: { 'zh-CN': '社会保险补贴，条件和标准按当地规定。', en: 'A social insurance subsidy; conditions and amounts follow local rules.', amountFen: null, unit: null },
    rule: LIFTED_OR_MONITORED,
    apply: { steps: [ASK_WORKER, APPLY], materials: [], where: WHERE_WORKER },
    mode: 'ordinary',
    regionCode: '',
    validFrom: FROM,
    validTo: null,
    source: { document: D44, article: '二(五)', seed: '000', quote: '落实好税收优惠、社会保险补贴等政策，支持脱贫人口多渠道就业创业' },
  },
  {
    key: 'self_employment_tax_relief_2026',
    continues: 'self_employment_tax_relief',
    title: { 'zh-CN': '就业创业税收优惠（常态化帮扶）', en: 'Tax relief for work and business (normalised assistance)' },
    summary: {
      'zh-CN': '脱贫人口（含监测对象）自己开店、做个体经营的，可以按国家和当地规定享受税收优惠。',
      en: 'If you were lifted out of poverty (or are monitored) and run your own small business, tax relief applies under national and local rules.',
    },
    audience: 'worker',
    benefit: { 'zh-CN': '税收优惠，具体税种和额度以税务部门规定为准。', en: 'Tax relief; which taxes and how much follow the tax office’s rules.', amountFen: null, unit: null },
    rule: LIFTED_OR_MONITORED,
    apply: { steps: [ASK_WORKER, { 'zh-CN': '向当地税务部门申报，按规定享受。', en: 'Declare to the local tax office and claim under its rules.' }], materials: [], where: WHERE_WORKER },
    mode: 'ordinary',
    regionCode: '',
    validFrom: FROM,
    validTo: null,
    source: { document: D44, article: '二(五)', seed: '000', quote: '落实好税收优惠、社会保险补贴等政策，支持脱贫人口多渠道就业创业' },
  },
  {
    key: 'targeted_skills_training',
    continues: null,
    title: { 'zh-CN': '订单、定向、定岗式技能培训', en: 'Order-based, targeted and post-specific skills training' },
    summary: {
      'zh-CN': '脱贫人口（含监测对象）可以参加当地针对性组织的“订单、定向、定岗”式技能培训。培训期间有没有补贴、多少，按当地规定。',
      en: 'If you were lifted out of poverty (or are monitored), you can join skills training organised for specific orders, employers or posts. Whether there is an allowance during training, and how much, follows local rules.',
    },
    audience: 'worker',
    benefit: { 'zh-CN': '参加针对性技能培训；培训补贴按当地规定。', en: 'Targeted skills training; any training subsidy follows local rules.', amountFen: null, unit: null },
    rule: LIFTED_OR_MONITORED,
    apply: { steps: [ASK_WORKER, { 'zh-CN': '报名参加当地组织的培训。', en: 'Sign up for a course organised locally.' }], materials: [], where: WHERE_WORKER },
    mode: 'ordinary',
    regionCode: '',
    validFrom: FROM,
    validTo: null,
    source: { document: D44, article: '二(五)', seed: '000', quote: '针对性组织开展“订单、定向、定岗”式培训，大力开展技能培训' },
  },
  {
    key: 'rain_dew_vocational_subsidy_2026',
    continues: null,
    title: { 'zh-CN': '雨露计划：职业院校、技工院校学生补助（常态化帮扶）', en: 'Rain Dew Plan: support for vocational and technician school students (normalised assistance)' },
    summary: {
      'zh-CN': '脱贫家庭（含监测对象家庭）的孩子上中职、高职或技工院校的，继续享受雨露计划，按时足额发放补助资金和培训补贴；毕业后还没工作的，继续有人跟进帮扶。补助标准按当地规定。',
      en: 'Young people of lifted (or monitored) families at a secondary or higher vocational school or a technician school keep the Rain Dew Plan: its allowance and training subsidy are paid on time and in full, and those not yet in work after school are followed up. The amount follows local rules.',
    },
    audience: 'worker',
    benefit: { 'zh-CN': '雨露计划补助资金和培训补贴，标准按当地规定（国家和州文件未定金额）。', en: 'The Rain Dew allowance and training subsidy; the amount follows local rules (the national and prefecture documents set none).', amountFen: null, unit: null },
    // rainDewStudent: a Rain Dew file still in school or not yet in work (src/policies/rules.ts).
    rule: { all: [{ fact: 'category', op: 'in', value: ['lifted', 'monitored'] }, { fact: 'rainDewStudent', op: 'eq', value: true }] },
    apply: {
      steps: [
        { 'zh-CN': '向村里、乡镇或县里负责雨露计划的部门咨询本学期的申请时间。', en: 'Ask the village, township or county office in charge of the Rain Dew Plan when to apply this term.' },
        { 'zh-CN': '按当地流程交申请，补助按规定发放。', en: 'Apply following the local steps; the allowance is paid under the local rules.' },
      ],
      materials: [],
      where: { 'zh-CN': '村委会、乡镇或县里负责雨露计划的部门', en: 'The village committee, township, or the county office in charge of the Rain Dew Plan' },
    },
    mode: 'ordinary',
    regionCode: '',
    validFrom: FROM,
    validTo: null,
    source: { document: D44, article: '二(六)', seed: '000', quote: '对脱贫家庭新成长劳动力，继续实施雨露计划，组织引导接受中、高等职业院校和技工院校教育，加大劳动预备制、新型学徒制培训力度，按时足额发放补助资金和培训补贴。' },
  },
  {
    key: 'employer_social_insurance_subsidy_2026',
    continues: 'employer_social_insurance_subsidy',
    title: { 'zh-CN': '企业吸纳脱贫人口社会保险补贴（常态化帮扶）', en: 'Social insurance subsidy for employers of lifted workers (normalised assistance)' },
    summary: {
      'zh-CN': '企业招用脱贫人口（含监测对象）并符合条件的，可以按当地规定申请社会保险补贴。',
      en: 'Employers that hire people lifted out of poverty (or monitored) and meet the conditions can apply for a social insurance subsidy under local rules.',
    },
    audience: 'employer',
    benefit: { 'zh-CN': '社会保险补贴，条件和标准按当地规定。', en: 'A social insurance subsidy; conditions and amounts follow local rules.', amountFen: null, unit: null },
    rule: ANYONE,
    apply: { steps: [ASK_OFFICE, APPLY], materials: [], where: WHERE_OFFICE },
    mode: 'ordinary',
    regionCode: '',
    validFrom: FROM,
    validTo: null,
    source: { document: D44, article: '二(五)', seed: '000', quote: '落实好税收优惠、社会保险补贴等政策，支持脱贫人口多渠道就业创业' },
  },
  {
    key: 'local_job_retention_support',
    continues: 'unemployment_insurance_job_retention_refund',
    title: { 'zh-CN': '吸纳脱贫人口的企业纳入本地稳岗政策扶持', en: 'Local job-retention support covers employers of lifted workers' },
    summary: {
      'zh-CN': '企业吸纳、留用脱贫人口（含监测对象）的，这些人员纳入当地稳岗政策扶持范围，申领推行“即申即享”“直补快办”。有哪些稳岗政策、标准多少，按当地规定。',
      en: 'Lifted (and monitored) people an employer hires or keeps count within the local job-retention support; claims are to be paid on application or directly. Which measures and how much follow local rules.',
    },
    audience: 'employer',
    benefit: { 'zh-CN': '当地稳岗政策扶持，具体政策和标准按当地规定。', en: 'Local job-retention support; the measures and amounts follow local rules.', amountFen: null, unit: null },
    rule: ANYONE,
    apply: { steps: [ASK_OFFICE, APPLY], materials: [], where: WHERE_OFFICE },
    mode: 'ordinary',
    regionCode: '',
    validFrom: FROM,
    validTo: null,
    source: { document: D44, article: '二(五)', seed: '000', quote: '将脱贫人口纳入本地稳岗政策扶持范围，推行“即申即享”“直补快办”政策申领模式' },
  },
  {
    key: 'work_relief_organising_agencies',
    continues: null,
    title: { 'zh-CN': '劳务合作社、劳务经纪人、人力资源服务公司组织脱贫人口参与以工代赈', en: 'Labour cooperatives, brokers and HR firms organise lifted workers for work-relief projects' },
    summary: {
      'zh-CN': '以工代赈项目用好劳务合作社、劳务经纪人和人力资源服务公司，优先组织符合条件的脱贫人口和其他低收入群体参加项目建设。有没有服务补助、多少，按当地规定。',
      en: 'Work-relief projects use labour cooperatives, brokers and HR firms to organise eligible lifted and other low-income people first. Whether there is a service subsidy, and how much, follows local rules.',
    },
    audience: 'agency',
    benefit: { 'zh-CN': '作为平台载体承接以工代赈项目的招工组织；服务补助按当地规定。', en: 'Organising the hiring for work-relief projects; any service subsidy follows local rules.', amountFen: null, unit: null },
    rule: ANYONE,
    apply: { steps: [ASK_OFFICE, { 'zh-CN': '与项目业主单位、施工单位对接招工，督促签订劳务协议、足额发放劳务报酬。', en: 'Arrange the hiring with the project owner and builder; see that labour agreements are signed and wages paid in full.' }], materials: [], where: WHERE_OFFICE },
    mode: 'ordinary',
    regionCode: '',
    validFrom: FROM,
    validTo: null,
    source: { document: D44, article: '二(三)', seed: '000', quote: '用好农民劳务专业合作社、劳务经纪人及人力资源服务公司等平台载体，优先组织符合条件的脱贫人口和其他低收入群体参与项目建设' },
  },
  {
    key: 'honghe_township_job_fairs',
    continues: null,
    title: { 'zh-CN': '红河：乡镇专场招聘，人力资源服务机构现场投放岗位', en: 'Honghe: township job fairs where HR agencies post jobs on site' },
    summary: {
      'zh-CN': '红河州各县市适时开展乡镇专场招聘活动，组织人力资源服务机构、用工企业到现场投放就业岗位。',
      en: 'Counties of Honghe hold township job fairs and invite HR agencies and employers to post jobs on site.',
    },
    audience: 'agency',
    benefit: { 'zh-CN': '参加乡镇专场招聘，现场投放岗位。', en: 'Take part in township job fairs and post jobs on site.', amountFen: null, unit: null },
    rule: ANYONE,
    apply: { steps: [{ 'zh-CN': '向县市人社部门报名参加近期的乡镇专场招聘活动。', en: 'Sign up with the county human resources office for the next township job fair.' }], materials: [], where: WHERE_OFFICE },
    mode: 'ordinary',
    regionCode: '5325',
    validFrom: null,
    validTo: null,
    source: { document: HONGHE, article: '二(八)', seed: '002', quote: '适时开展乡镇专场招聘活动，组织人力资源服务机构、用工企业现场投放就业岗位' },
  },
  {
    key: 'honghe_job_retention_support',
    overrides: 'local_job_retention_support',
    continues: null,
    title: { 'zh-CN': '红河：吸纳脱贫人口的企业纳入当地稳岗政策扶持', en: 'Honghe: local job-retention support covers employers of lifted workers' },
    summary: {
      'zh-CN': '在红河州，企业吸纳的脱贫人口（含监测对象）纳入当地稳岗政策扶持范围，申报材料精简、程序优化。有哪些稳岗政策、标准多少，按州、县规定。',
      en: 'In Honghe, lifted (and monitored) people an employer hires count within the local job-retention support, with fewer papers and simpler steps. Which measures and how much follow prefecture and county rules.',
    },
    audience: 'employer',
    benefit: { 'zh-CN': '当地稳岗政策扶持，具体政策和标准按州、县规定。', en: 'Local job-retention support; measures and amounts follow prefecture and county rules.', amountFen: null, unit: null },
    rule: ANYONE,
    apply: { steps: [ASK_OFFICE, APPLY], materials: [], where: WHERE_OFFICE },
    mode: 'ordinary',
    regionCode: '5325',
    validFrom: FROM,
    validTo: null,
    source: { document: HONGHE, article: '二(六)', seed: '002', quote: '将脱贫人口纳入当地稳岗政策扶持范围，精简申报材料，优化申报程序' },
  },
];

/**
 * Measures of the 2021 guidance that nothing citable carries past 2025-12-31: they stay expired, and
 * the expired list says why. A county or prefecture that keeps one adds it as a local policy.
 */
export const ENDED_WITHOUT_SUCCESSOR: Record<string, Localized> = {
  cross_province_transport_subsidy: {
    'zh-CN': '过渡期于2025年12月31日结束；人社部发〔2023〕44号等现行文件未再规定跨省交通补助。当地继续发放的，由县、州管理员按当地文件新增本地政策。',
    en: 'Ended with the transition period (2025-12-31); the current national documents name no cross-province transport subsidy. Where a locality keeps it, its administrators add it as a local policy.',
  },
  business_guarantee_loan: {
    'zh-CN': '过渡期于2025年12月31日结束；人社部发〔2023〕44号只要求“支持脱贫人口多渠道就业创业”，未点名创业担保贷款。当地继续的，按当地文件新增本地政策。',
    en: 'Ended with the transition period; the current national document supports starting a business in general but names no guaranteed loan. Localities add their own.',
  },
  one_time_startup_subsidy: {
    'zh-CN': '过渡期于2025年12月31日结束；人社部发〔2023〕44号未点名一次性创业补贴。当地继续的，按当地文件新增本地政策。',
    en: 'Ended with the transition period; the current national document names no one-time start-up subsidy. Localities add their own.',
  },
  training_living_allowance: {
    'zh-CN': '过渡期于2025年12月31日结束；培训本身由人社部发〔2023〕44号二(五)延续（见“订单、定向、定岗式技能培训”），但未规定培训期间生活费补贴。',
    en: 'Ended with the transition period; training itself continues under 44号 二(五) (see targeted skills training), which names no living allowance.',
  },
  organised_labour_export_service_subsidy: {
    'zh-CN': '过渡期于2025年12月31日结束；人社部发〔2023〕44号要求有组织劳务输出，但未规定服务补助。当地继续的，按当地文件新增本地政策。',
    en: 'Ended with the transition period; the current national document asks for organised departures but names no service subsidy. Localities add their own.',
  },
  work_for_training_subsidy: {
    'zh-CN': '原文件规定“政策执行时间至2021年底”。',
    en: 'The guidance itself ended it at the end of 2021.',
  },
};
