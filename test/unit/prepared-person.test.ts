import { createHash } from 'node:crypto';
import { PiiVault } from '../../src/pii/vault';
import { prepareWorker, workerCopyLine } from '../../src/registry';

/**
 * A person as the register stores them. The content hash is how a re-imported row is known to be unchanged,
 * so it must stay exactly what earlier releases wrote for the same fields: the fields as JSON in their order,
 * then the two indexes, then the reason for not moving to work only when one is given.
 */
describe('a person made ready for the register', () => {
  const vault = new PiiVault(Buffer.alloc(32, 7));
  const today = new Date('2026-12-01T00:00:00Z');
  const base = {
    name: ' 张三丰 ',
    idNumber: '532501198001011234',
    phone: '138 0013 8000',
    ethnicity: '汉族',
    politicalStatus: '群众',
    education: '初中',
    health: 'healthy' as const,
    intention: 'in_county' as const,
    serviceNeeds: ['技能培训', ' 技能培训', '岗位推荐'],
    skills: ['电焊'],
    regionCode: '532501100201',
  };

  it('keeps the content hash earlier releases wrote, with and without a reason for not moving to work', () => {
    const plain = prepareWorker(base, vault, today);
    const full = prepareWorker(
      { ...base, notTransferredReason: '照顾家人', category: 'at_risk', monitoringType: 'sudden_hardship', homeLat: 23.1, homeLng: 102.7, payFloorFen: 300000 },
      vault,
      today,
    );
    if (!plain.ok || !full.ok) throw new Error('both people are valid');
    expect(plain.row.contentHash).toBe('M3DAAXt2VO6Q4zi6F8pkC4OoDcg7H_CE4eekuex6rho');
    expect(full.row.contentHash).toBe('PwjEYLYXs4ZKwyUa_Q6Egx54dWF5SP8hfbDTRGq7P9Y');
    // The same digest, worked out from the stored row the way earlier releases did.
    const { name, sex, birthDate, ethnicity, politicalStatus, education, health, laborCapacity, category, monitoringType, intention, serviceNeeds, skills, regionCode, homeLat, homeLng, preferredLanguage, payFloorFen, idNumberHash, phoneHash, notTransferredReason } = full.row;
    const fields = { name, sex, birthDate, ethnicity, politicalStatus, education, health, laborCapacity, category, monitoringType, intention, serviceNeeds, skills, regionCode, homeLat, homeLng, preferredLanguage, payFloorFen };
    expect(createHash('sha256').update(JSON.stringify({ ...fields, idNumberHash, phoneHash, notTransferredReason })).digest('base64url')).toBe(full.row.contentHash);
  });

  it('stores trimmed, de-duplicated values and reads the ID and phone numbers back from what it encrypted', () => {
    const r = prepareWorker(base, vault, today);
    if (!r.ok) throw new Error('valid');
    expect(r.row).toMatchObject({ name: '张三丰', sex: 'male', birthDate: '1980-01-01', serviceNeeds: ['技能培训', '岗位推荐'], idNumberMasked: '532501********1234', phoneMasked: '138****8000' });
    expect(vault.decrypt(r.row.idNumberEnc)).toBe(base.idNumber);
    expect(vault.decrypt(r.row.phoneEnc!)).toBe('13800138000');
    expect(r.row.idNumberHash).toBe(vault.index('id', base.idNumber));
  });

  it('writes a COPY line whose special characters cannot break out of their column', () => {
    const r = prepareWorker({ ...base, name: '王\t五\\', ethnicity: '彝\n族', skills: ['说"普通话"', '木工'] }, vault, today);
    if (!r.ok) throw new Error('valid');
    const line = workerCopyLine(r.row, true);
    const cells = line.split('\t');
    expect(cells).toHaveLength(28);
    expect(cells[0]).toBe('王\\t五\\\\');
    expect(cells[9]).toBe('彝\\n族');
    expect(cells[16]).toBe('t');
    expect(cells[19]).toBe('{"说\\\\"普通话\\\\"","木工"}');
    expect(cells[27]).toBe('f');
  });
});
