import { DEFAULT_IMPORT_LIMITS } from '../../src/config';
import { readRows, type Cell } from '../../src/imports/read';
import { DomainError } from '../../src/shared/errors';

/**
 * A CSV saved by Excel or WPS, or typed by hand: the rows come out as a person sees them in a spreadsheet,
 * numbered as the spreadsheet numbers them, whatever the line ends and quotes.
 */
async function rowsOf(text: string | Buffer): Promise<Array<[number, Cell[]]>> {
  const out: Array<[number, Cell[]]> = [];
  await readRows('表.csv', Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), DEFAULT_IMPORT_LIMITS, { row: (i, cells) => out.push([i, cells]) });
  return out;
}

async function refusal(text: string): Promise<string> {
  try {
    await rowsOf(text);
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return (err as DomainError).details?.map((d) => d.message).join(',') ?? '';
  }
  throw new Error('the file was read');
}

describe('reading a CSV', () => {
  it('reads quoted cells with commas, doubled quotes and line breaks inside, and numbers rows as records', async () => {
    const rows = await rowsOf('姓名,备注\r\n张三,"保洁,搬运"\r\n李四,"说""会""电焊"\r\n王五,"第一行\r\n第二行"\r\n赵六,完\r\n');
    expect(rows).toEqual([
      [0, ['姓名', '备注']],
      [1, ['张三', '保洁,搬运']],
      [2, ['李四', '说"会"电焊']],
      [3, ['王五', '第一行\r\n第二行']],
      [4, ['赵六', '完']],
    ]);
  });

  it('keeps a quote inside an unquoted cell as written', async () => {
    expect(await rowsOf('姓名,备注\n张三,身高1米7"左右\n')).toEqual([
      [0, ['姓名', '备注']],
      [1, ['张三', '身高1米7"左右']],
    ]);
  });

  it('reads \\n, \\r\\n and old Mac \\r line ends, skips blank lines but counts them, and drops a byte-order mark', async () => {
    for (const end of ['\n', '\r\n', '\r']) {
      const rows = await rowsOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(['姓名,性别', '张三,男', '', ',', '李四,女'].join(end) + end)]));
      expect(rows).toEqual([
        [0, ['姓名', '性别']],
        [1, ['张三', '男']],
        [4, ['李四', '女']],
      ]);
    }
  });

  it('reads a file saved with tabs between cells', async () => {
    expect(await rowsOf('姓名\t性别\t证件号码\n张三\t男\t532501199001011234\n')).toEqual([
      [0, ['姓名', '性别', '证件号码']],
      [1, ['张三', '男', '532501199001011234']],
    ]);
  });

  it('refuses a quoted cell that is never closed as unreadable, naming no cell', async () => {
    expect(await refusal('姓名,备注\n张三,"没有结尾\n李四,女\n')).toBe('errors:detail.import.unreadable');
  });

  it('refuses an overlong cell, and a row past the limit, with the limit named', async () => {
    expect(await refusal(`姓名,备注\n张三,${'很'.repeat(DEFAULT_IMPORT_LIMITS.maxCellChars + 1)}\n`)).toBe('errors:detail.import.cell_too_long');
    const tall = ['姓名'].concat(Array.from({ length: DEFAULT_IMPORT_LIMITS.maxRows + 1 }, (_, i) => `人${i}`)).join('\n');
    expect(await refusal(tall)).toBe('errors:detail.import.too_many_rows');
  });
});
