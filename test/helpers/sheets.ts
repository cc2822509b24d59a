import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

/** The header of 农村贫困劳动力就业信息表 (seed 003, attachment) as stations type it. */
export const FORM_HEADER = ['序号', '姓名', '性别', '证件号码', '民族', '政治面貌', '文化程度', '健康状况', '劳动能力', '联系方式', '是否已就业', '就业地点', '就业单位名称', '就业时间', '就业意向', '就业服务需求'];

export function csv(rows: Array<Array<string | number>>, encoding: 'utf8' | 'gb18030' = 'utf8'): Buffer {
  const text = rows.map((r) => r.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',')).join('\r\n');
  return encoding === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'gb18030');
}

/**
 * An XLSX like the ones counties circulate: a title row merged across the sheet, then a two-row
 * header where 就业情况 is merged over its three sub-columns and the other headers span both rows.
 */
export async function officialXlsx(rows: Array<Array<string | number | Date | null>>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('信息表');
  ws.addRow(['农村贫困劳动力就业信息表']);
  ws.mergeCells(1, 1, 1, 16);
  ws.addRow(['序号', '姓 名', '性别', '证件号码', '民族', '政治面貌', '文化程度', '健康状况', '劳动能力', '联系方式', '是否已就业', '就业情况', null, null, '就业意向\n(县内/县外)', '就业服务需求']);
  ws.addRow([null, null, null, null, null, null, null, null, null, null, null, '就业地点（X省X市X县）', '就业单位名称', '就业时间', null, null]);
  for (const c of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 16]) ws.mergeCells(2, c, 3, c);
  ws.mergeCells(2, 12, 2, 14);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
