import type { AppContext } from '../src/context';
import { regionsUnder } from '../src/regions';
import { readText } from './parse';

/** A region a message names: its code and its name as the register writes it. */
export interface Place {
  code: string;
  name: string;
}

/** How long the list of place names is kept before it is read again (regions change rarely). */
const KEEP_MS = 10 * 60_000;

/** What people leave off a region's name when they say it: 元阳县 → 元阳, 南沙镇 → 南沙. */
const SUFFIX = /(街道办事处|街道|自治县|自治州|自治旗|县|市|区|镇|乡|州|旗)$/;

interface Entry extends Place {
  level: number;
  /** The name without its suffix, when two characters or more remain. */
  short: string | undefined;
}

/**
 * The counties and townships of the deployment by name, so "南沙镇有活吗" or "元阳的零工" searches there.
 * Villages are left out: their names are many and often ordinary words.
 */
export class Places {
  private entries: Entry[] | undefined;
  private readAt = 0;

  constructor(
    private readonly ctx: Pick<AppContext, 'db' | 'clock'>,
    private readonly root: string,
  ) {}

  private async list(): Promise<Entry[]> {
    const now = this.ctx.clock.now().getTime();
    if (this.entries && now - this.readAt < KEEP_MS) return this.entries;
    const rows = await regionsUnder(this.ctx.db, this.root, 4);
    this.entries = rows.map((r) => {
      const short = r.name.replace(SUFFIX, '');
      return { code: r.code, name: r.name, level: r.level, short: short !== r.name && [...short].length >= 2 ? short : undefined };
    });
    this.readAt = now;
    return this.entries;
  }

  /** Reads the list of place names now, so the first message that names a place does not wait for it. */
  async prepare(): Promise<void> {
    await this.list();
  }

  /** The place a message names, if any: a full name before a short one, the longer name first, a county before a township of the same name. */
  async named(raw: string): Promise<Place | undefined> {
    const text = readText(raw);
    if ([...text].length < 2) return undefined;
    let best: { entry: Entry; length: number; full: boolean } | undefined;
    for (const e of await this.list()) {
      const full = text.includes(e.name);
      const found = full ? e.name : e.short && text.includes(e.short) ? e.short : undefined;
      if (!found) continue;
      const better = !best || (full && !best.full) || (full === best.full && (found.length > best.length || (found.length === best.length && e.level < best.entry.level)));
      if (better) best = { entry: e, length: found.length, full };
    }
    return best ? { code: best.entry.code, name: best.entry.name } : undefined;
  }
}
