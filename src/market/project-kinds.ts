/**
 * Projects paid for by government: 以工代赈项目, 政府投资建设项目 and 基层社会管理和公共服务项目. They record who works
 * on them (seed 000 national §2.3: 督促项目施工单位与脱贫人口签订劳务协议), their head-counts come from those people, and
 * they keep a share of their jobs for people from relocation sites (seed 004 §15: 政府投资建设项目、以工代赈项目、
 * 基层社会管理和公共服务项目要安排一定比例的岗位用于吸纳搬迁群众就业; seed 000 national §2.7: 落实易地扶贫搬迁安置区按比例
 * 安排就业机制).
 */
export const GOVERNMENT_INVESTED = ['work_relief', 'government_investment', 'public_service'] as const;

export function governmentInvested(kind: string): boolean {
  return (GOVERNMENT_INVESTED as readonly string[]).includes(kind);
}
