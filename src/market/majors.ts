/**
 * Whether a post fits what a Rain Dew graduate studied. Vocational majors are named many ways
 * (数控技术应用, 数控加工, 机电技术应用 …); they are grouped into families, each with the words that
 * name the major and the words that show a post of that trade (in its title, description or skills).
 */
interface Family {
  major: readonly string[];
  post: readonly string[];
}

const FAMILIES: readonly Family[] = [
  { major: ['护理', '康养', '老年', '医学', '医药', '药剂', '康复'], post: ['护理', '护工', '养老', '医院', '卫生', '康复', '药店', '药房'] },
  { major: ['数控', '机电', '机械', '模具', '电气', '自动化', '电子', '机器人', '焊接'], post: ['数控', '机电', '机械', '电工', '电子', '装配', '设备', '维修', '车床', '电焊', '焊工'] },
  { major: ['汽车', '汽修', '汽车运用'], post: ['汽修', '汽车', '修车', '驾驶', '司机'] },
  { major: ['计算机', '软件', '网络', '信息', '电子商务', '电商', '直播', '新媒体', '动漫'], post: ['电商', '直播', '客服', '计算机', '电脑', '网店', '运营', '文员', '数据', '录入'] },
  { major: ['烹饪', '餐饮', '酒店', '旅游', '西点', '中餐'], post: ['厨师', '餐饮', '酒店', '服务员', '帮厨', '面点', '导游', '客房', '饭店'] },
  { major: ['农业', '种植', '畜牧', '兽医', '园艺', '园林', '茶', '植保', '农机'], post: ['种植', '养殖', '采茶', '茶', '园林', '护林', '兽医', '农场', '合作社', '大棚'] },
  { major: ['建筑', '土木', '工程造价', '建筑装饰', '工程测量'], post: ['建筑', '砌筑', '施工', '工地', '装修', '钢筋', '木工', '测量'] },
  { major: ['会计', '财务', '金融', '商务', '物流', '营销', '商贸'], post: ['会计', '出纳', '财务', '物流', '仓管', '仓库', '收银', '销售', '快递', '分拣'] },
  { major: ['服装', '纺织', '服饰'], post: ['缝纫', '服装', '纺织', '车工', '制衣'] },
  { major: ['学前教育', '幼儿', '早教', '保育'], post: ['幼儿', '保育', '育婴', '托育', '幼儿园', '教师'] },
  { major: ['家政'], post: ['家政', '保洁', '育婴', '月嫂', '保姆'] },
];

/** Words in a major's name that say nothing about the trade. */
const FILLER = /(专业|技术|应用|管理|服务|与|和|及|类|方向)/g;

export interface PostText {
  title: string;
  description?: string;
  requiredSkills: readonly string[];
}

/** The family words a major belongs to, or none for a major we do not recognise. */
function familiesOf(major: string): Family[] {
  return FAMILIES.filter((f) => f.major.some((w) => major.includes(w)));
}

/**
 * True when the post is of the major's trade: a family word of the post appears in it, or the
 * major's own core words (without 专业, 技术, 应用 …) appear in its title.
 */
export function majorFits(major: string, post: PostText): boolean {
  const text = `${post.title} ${post.description ?? ''} ${post.requiredSkills.join(' ')}`;
  if (familiesOf(major).some((f) => f.post.some((w) => text.includes(w)))) return true;
  const core = major.replace(FILLER, '').trim();
  return core.length >= 2 && post.title.includes(core);
}
