/**
 * Example request bodies shown in the OpenAPI document, by operationId (see operation-id.ts). They sit
 * together so the documented bodies read as one set; each is parsed by its route's schema when the
 * document is built, so an example that no longer fits its route stops the build instead of misleading.
 * Names, numbers and ids are made up; the ID number is the one the field's own example shows.
 */
const EMPLOYER = '7a0c3f52-1d4e-4b8a-9c61-2f5e8d9a0b13';
const WORKER = '3f6b1c2d-8e4a-4f7b-a9d0-5c1e2b3a4d5f';

export const requestExamples: Record<string, unknown> = {
  postAuthLogin: { username: 'yuanyang.station', password: '正确的马电池钉书针', code: '482913' },
  postMeLogin: { code: '0a3Xyz000abc' },
  postMeBind: { code: '482913' },
  patchAuthMeContact: { phone: '13912345678', pushOptOut: false },
  postWorkers: {
    name: '李秀英',
    idNumber: '532528198503070512',
    phone: '13800138000',
    sex: 'female',
    laborCapacity: 'full',
    category: 'lifted',
    intention: 'in_county',
    skills: ['采茶', '电焊'],
    regionCode: '532528101001',
    consent: true,
  },
  postHouseholds: { regionCode: '532528101001', relocated: true, memberIds: [WORKER] },
  postEmployers: {
    name: '元阳县梯田红米加工帮扶车间',
    kind: 'workshop',
    regionCode: '532528101',
    address: '新街镇土锅寨村',
    contactName: '王经理',
    contactPhone: '0873-5621234',
  },
  postVacancies: {
    employerId: EMPLOYER,
    kind: 'gig',
    title: '红米分拣包装临时工',
    requirements: '能站立工作，按时到岗',
    regionCode: '532528101',
    payMinFen: 12000,
    payMaxFen: 15000,
    payUnit: 'day',
    requiredSkills: ['分拣'],
    hours: '08:30–17:30，包午饭',
    headcount: 12,
    expiresAt: '2026-12-31T10:00:00Z',
  },
  postVacanciesByIdApplications: { workerId: WORKER, source: 'station' },
  postBroadcasts: {
    topic: 'gig',
    audience: { regionCode: '532528101', categories: ['lifted', 'monitored'], laborCapacities: ['full', 'partial'], employed: false },
    message: { 'zh-CN': '新街镇红米车间招临时工 12 人，日薪 120–150 元，包午饭。回复“报名”即可。', en: 'The red-rice workshop in Xinjie needs 12 day workers, 120–150 yuan a day, lunch included. Reply 报名 to apply.' },
    toGroups: false,
  },
  postTrainings: {
    kind: 'targeted',
    title: '电焊工定向培训',
    provider: '红河州技工学校',
    regionCode: '532528',
    place: '元阳县就业服务中心三楼',
    startDate: '2027-03-02',
    endDate: '2027-03-20',
    capacity: 30,
    skills: ['电焊'],
    trainingSubsidyFen: 180000,
    livingAllowanceFen: 60000,
  },
  postFairs: {
    kind: 'on_site',
    title: '春风行动专场招聘会',
    startsAt: '2027-02-20T01:30:00Z',
    endsAt: '2027-02-20T08:00:00Z',
    address: '元阳县南沙镇文化广场',
    audience: { regionCode: '532528' },
    capacity: 800,
    campaign: '春风行动',
  },
  postWorkersByIdEmployment: {
    employerName: '元阳县梯田红米加工帮扶车间',
    place: '新街镇',
    placeRegionCode: '532528101',
    kind: 'workshop',
    startDate: '2027-01-05',
    monthlyIncomeFen: 260000,
  },
  postRainDew: {
    workerId: WORKER,
    school: '云南交通技师学院',
    major: '汽车维修',
    level: 'technician',
    enrolledOn: '2024-09-01',
    expectedGraduation: '2027-07-01',
  },
};
