import { checkCharacter } from '../pii/resident-id';
import type { Category, Health, Intention, LaborCapacity, MonitoringType, Sex } from '../registry';

/**
 * Realistic synthetic people for demos, tests and benchmarks: common names, valid ID numbers issued
 * in the person's own county, mobile numbers, households, employment histories. Deterministic for a
 * given seed, so a benchmark measures the same data every run.
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤普李'.split('');
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红梅建国志强海燕文春花金凤阿妹小龙云飞德福学文国华丽华永红'.split('');
export const SKILLS = ['保洁', '家政', '砌筑', '电焊', '厨师', '种植', '养殖', '驾驶', '普工', '缝纫', '采茶', '电工', '护林', '保安', '养老护理'];
const EMPLOYERS = ['宁波某电子厂', '东莞某玩具厂', '昆明某物流公司', '元阳梯田合作社', '蒙自某食品厂', '乡村公益性岗位', '某建筑工程队', '个旧某矿业公司', '开远某家政公司', '红河某扶贫车间'];
const PLACES = ['浙江省宁波市', '广东省东莞市', '云南省昆明市', '云南省红河州元阳县', '云南省红河州蒙自市', '云南省红河州个旧市', '上海市', '江苏省苏州市'];
const ETHNIC = ['汉族', '哈尼族', '彝族', '苗族', '瑶族', '傣族', '壮族'];
const EDUCATION = ['小学', '初中', '高中', '中专', '大专', '文盲或半文盲'];

export interface SyntheticJob {
  employerName: string;
  place: string;
  startDate: string;
  endDate: string | null;
  monthlyIncomeFen: number;
}

export interface SyntheticPerson {
  name: string;
  idNumber: string;
  sex: Sex;
  birthDate: string;
  phone: string | null;
  ethnicity: string;
  politicalStatus: string;
  education: string;
  health: Health;
  laborCapacity: LaborCapacity;
  category: Category;
  monitoringType: MonitoringType | null;
  intention: Intention;
  serviceNeeds: string[];
  skills: string[];
  regionCode: string;
  homeLat: number;
  homeLng: number;
  jobs: SyntheticJob[];
}

export interface SyntheticHousehold {
  regionCode: string;
  relocated: boolean;
  members: SyntheticPerson[];
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function weighted<T>(r: () => number, table: Array<[T, number]>): T {
  let x = r();
  for (const [v, w] of table) {
    if ((x -= w) < 0) return v;
  }
  return table[table.length - 1]![0];
}

/** 防止返贫致贫对象 by type: the three old types, and any other rural household found at risk (the 2026 widening). */
const AT_RISK_TYPES: Array<[MonitoringType, number]> = [['unstable', 0.3], ['marginal', 0.3], ['sudden_hardship', 0.2], ['other_at_risk', 0.2]];

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export class Generator {
  private readonly r: () => number;
  private readonly usedIds = new Set<string>();

  constructor(
    /** Village (or lowest-level) region codes to place people in. */
    private readonly villages: string[],
    seed = 42,
    private readonly today = new Date('2026-06-01T00:00:00Z'),
  ) {
    if (!villages.length) throw new Error('no regions to place people in');
    this.r = rng(seed);
  }

  idNumber(county: string, birth: string, sex: Sex): string {
    for (;;) {
      const seqBase = Math.floor(this.r() * 500) * 2;
      const seq = sex === 'male' ? seqBase + 1 : seqBase;
      const first17 = `${county}${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
      const id = first17 + checkCharacter(first17);
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }

  person(regionCode: string, opts: { minAge?: number; maxAge?: number } = {}): SyntheticPerson {
    const r = this.r;
    const sex: Sex = r() < 0.52 ? 'male' : 'female';
    const age = (opts.minAge ?? 18) + Math.floor(r() * ((opts.maxAge ?? 60) - (opts.minAge ?? 18)));
    const birthMs = this.today.getTime() - age * 365.25 * 86400_000 - Math.floor(r() * 360) * 86400_000;
    const birthDate = isoDay(birthMs);
    const county = regionCode.slice(0, 6);
    const laborCapacity = weighted<LaborCapacity>(r, [['full', 0.7], ['partial', 0.1], ['weak', 0.12], ['none', 0.08]]);
    const category = weighted<Category>(r, this.categories());
    const jobs: SyntheticJob[] = [];
    if (laborCapacity !== 'none') {
      let start = this.today.getTime() - Math.floor(r() * 3 * 365) * 86400_000;
      const count = Math.floor(r() * 3);
      for (let i = 0; i < count && start < this.today.getTime(); i++) {
        const months = 2 + Math.floor(r() * 14);
        const end = start + months * 30 * 86400_000;
        const open = i === count - 1 && r() < 0.75;
        jobs.push({
          employerName: pick(r, EMPLOYERS),
          place: pick(r, PLACES),
          startDate: isoDay(start),
          endDate: open || end >= this.today.getTime() ? null : isoDay(end),
          monthlyIncomeFen: (1500 + Math.floor(r() * 65) * 100) * 100,
        });
        if (jobs[jobs.length - 1]!.endDate === null) break;
        start = end + Math.floor(r() * 90) * 86400_000;
      }
    }
    return {
      name: pick(r, SURNAMES) + pick(r, GIVEN) + (r() < 0.6 ? pick(r, GIVEN) : ''),
      idNumber: this.idNumber(county, birthDate, sex),
      sex,
      birthDate,
      phone: r() < 0.9 ? `1${pick(r, ['3', '5', '7', '8', '9'])}${String(Math.floor(r() * 1e9)).padStart(9, '0')}` : null,
      ethnicity: pick(r, ETHNIC),
      politicalStatus: r() < 0.9 ? '群众' : '中共党员',
      education: pick(r, EDUCATION),
      health: weighted<Health>(r, [['healthy', 0.82], ['chronic_illness', 0.1], ['serious_illness', 0.03], ['disabled', 0.05]]),
      laborCapacity,
      category,
      monitoringType: category === 'monitored' ? pick(r, ['unstable', 'marginal', 'sudden_hardship'] as const) : category === 'at_risk' ? weighted<MonitoringType>(r, AT_RISK_TYPES) : null,
      intention: r() < 0.55 ? 'in_county' : 'out_of_county',
      serviceNeeds: r() < 0.5 ? [pick(r, ['职业介绍', '技能培训', '职业指导', '创业服务'])] : [],
      skills: r() < 0.7 ? [...new Set([pick(r, SKILLS), ...(r() < 0.3 ? [pick(r, SKILLS)] : [])])] : [],
      regionCode,
      homeLat: 23.36 + (r() - 0.5) * 1.2,
      homeLng: 103.38 + (r() - 0.5) * 1.6,
      jobs,
    };
  }

  /**
   * Who is on the register, in shares. Until 2025 the monitored are 防止返贫监测对象 (`monitored`, 12 %); from 2026 new
   * records use the new name 防止返贫致贫对象 (`at_risk`) while the old records keep theirs, so a register of 2026 holds
   * both, 8 % each: the monitored group grows because monitoring now reaches any rural household at risk.
   */
  private categories(): Array<[Category, number]> {
    return this.today.getUTCFullYear() >= 2026
      ? [['lifted', 0.76], ['monitored', 0.08], ['at_risk', 0.08], ['low_income', 0.08]]
      : [['lifted', 0.8], ['monitored', 0.12], ['low_income', 0.08]];
  }

  household(): SyntheticHousehold {
    const regionCode = pick(this.r, this.villages);
    const size = 1 + Math.floor(this.r() * 4);
    const members = [this.person(regionCode, { minAge: 30, maxAge: 65 })];
    for (let i = 1; i < size; i++) members.push(this.person(regionCode, { minAge: 16, maxAge: 60 }));
    return { regionCode, relocated: this.r() < 0.1, members };
  }
}

/** Form words for a synthetic person, in the order of 农村贫困劳动力就业信息表 (seed 003). */
export function formRow(p: SyntheticPerson, n: number): Array<string | number> {
  const job = p.jobs.find((j) => j.endDate === null);
  const words: Record<string, string> = { male: '男', female: '女', full: '普通劳动力', partial: '半劳动力', weak: '弱劳动力', none: '无劳动力', healthy: '健康', chronic_illness: '长期慢性病', serious_illness: '患有大病', disabled: '残疾', in_county: '县内', out_of_county: '县外' };
  return [
    n,
    p.name,
    words[p.sex]!,
    p.idNumber,
    p.ethnicity,
    p.politicalStatus,
    p.education,
    words[p.health]!,
    words[p.laborCapacity]!,
    p.phone ?? '',
    job ? '是' : '否',
    job?.place ?? '',
    job?.employerName ?? '',
    job?.startDate ?? '',
    words[p.intention]!,
    p.serviceNeeds.join('、'),
  ];
}
