import type { TFunction } from 'i18next';
import { chatActor } from '../../src/chat';
import { apply as applyFor, matchesFor, monthlyPay, payText, type MatchOptions, type MatchPerson, enrol, trainingSession, vacancyWithEmployer } from '../../src/market';
import { signUp } from '../../src/fairs';
import { ALREADY, FAIR_PREFIX, refusal } from '../service-errors';
import type { Place } from '../places';
import type { Slots } from '../understand';
import { fairDetail } from './fairs';
import { LIST_ITEMS, titled } from './text';
import type { ForWorker, Turn } from './types';

/** A turn for someone not yet bound: the area whose open posts they are shown (the sending account's, or the deployment's). */
export interface ForVisitor extends Turn {
  regionCode: string;
}

const BOARD_WORDS: Record<NonNullable<Slots['board']>, string[]> = {
  food_and_lodging: ['包吃住', '包食宿', '管吃住', '吃住'],
  food: ['包吃', '管饭', '包餐', '吃住'],
  lodging: ['包住', '宿舍', '住宿', '吃住'],
};

/**
 * The search the slots ask for, as far as matching can narrow it, and the words that say so; a place the
 * message names (a county, a township) is searched in, whatever the person's own region.
 */
export function narrow(who: MatchPerson, intent: 'jobs' | 'gigs' | 'training', slots: Slots, t: TFunction, named?: Place): { person: MatchPerson; options: Partial<MatchOptions>; what: string } {
  const options: Partial<MatchOptions> = {};
  let person = who;
  const worker = who;
  const said: string[] = [];
  if (named) {
    said.push(named.name);
    options.regionPrefix = named.code;
    // Matching gathers posts of the person's county: for a place named, that place's county.
    person = { ...person, regionCode: named.code };
  } else if (slots.place) {
    said.push(t(`bot:slot.place.${slots.place}`));
    if (slots.place === 'town') options.regionPrefix = worker.regionCode.slice(0, 9);
    if (slots.place === 'county' || (slots.place === 'near' && intent !== 'gigs')) options.regionPrefix = worker.regionCode.slice(0, 6);
    if (slots.place === 'outside_county' || slots.place === 'outside_province') {
      options.regionOutside = worker.regionCode.slice(0, slots.place === 'outside_county' ? 6 : 2);
      person = { ...person, intention: 'out_of_county' };
    }
  }
  if (intent === 'training') return { person, options, what: said.join('、') };
  if (slots.daily && intent !== 'gigs') said.push(t('bot:slot.daily'));
  if (slots.board) {
    said.push(t(`bot:slot.board.${slots.board}`));
    options.mentions = BOARD_WORDS[slots.board];
  }
  if (slots.payFloor) {
    said.push(t(`bot:slot.pay.${slots.payFloor.unit}`, { yuan: slots.payFloor.yuan }));
    person = { ...person, payFloorFen: monthlyPay(slots.payFloor.yuan * 100, slots.payFloor.unit) };
  }
  if (slots.skill) {
    said.push(t('bot:slot.skill', { skill: slots.skill }));
    person = { ...person, skills: [...new Set([...person.skills, slots.skill])] };
  }
  return { person, options, what: said.join('、') };
}

export async function find({ ctx, s, worker, t }: ForWorker, intent: 'jobs' | 'gigs' | 'training', slots: Slots = {}, named?: Place): Promise<string[]> {
  const kind = intent === 'gigs' ? 'gig' : intent === 'training' ? 'training' : undefined;
  const { person, options, what } = narrow(worker, intent, slots, t, named);
  const found = await matchesFor(ctx, person, { kind, jobsOnly: intent === 'jobs', limit: LIST_ITEMS, ...options }, t);
  const hint = intent === 'gigs' && (worker.homeLat == null || worker.homeLng == null) ? [t('bot:find.share_location')] : [];
  if (!found.length) {
    s.state = undefined;
    return [what ? t('bot:find.none_filtered', { what }) : t(`bot:find.none_${intent}`), ...hint];
  }
  s.items = found.map((r) => ({ type: r.type, id: r.id, title: r.title }));
  s.state = 'list';
  s.current = undefined;
  s.listedAt = ctx.clock.now().toISOString();
  // One line per post, so the list fits a phone screen: the first two reasons only.
  const lines = found.map((r, i) => t('bot:find.item', { n: i + 1, title: r.title, summary: r.reasons.slice(0, 2).join(' · ') }));
  const title = titled(t(`bot:find.title_${intent}`), what, t);
  return [[title, ...lines, t('bot:find.footer')].join('\n'), ...hint];
}

/**
 * The open posts for someone not yet bound, one line each, narrowed as they asked (place, pay, board,
 * skill, nearby), and how to apply. The area is the place they name, else the one they named before in
 * this conversation, else this account's (the deployment's for the official account); nothing personal is read.
 */
export async function browse({ ctx, s, t, regionCode }: ForVisitor, intent: 'jobs' | 'gigs' | 'training', slots: Slots = {}, named?: Place): Promise<string[]> {
  if (named) s.area = named;
  const area = s.area;
  const kind = intent === 'gigs' ? 'gig' : intent === 'training' ? 'training' : undefined;
  const visitor: MatchPerson = { id: null, homeLat: s.near?.lat ?? null, homeLng: s.near?.lng ?? null, skills: [], laborCapacity: 'full', payFloorFen: null, intention: 'in_county', regionCode: area?.code ?? regionCode, employed: false };
  // "Near" means near where the person is, known only once they share a location: until then it is not claimed.
  const { place, ...rest } = slots;
  const asked: Slots = place === 'near' && !s.near ? rest : slots;
  // The area is in the title; the words of the search itself follow it.
  const { person, options, what: said } = narrow(visitor, intent, asked, t);
  if (area && (!options.regionPrefix || options.regionPrefix.length < area.code.length)) options.regionPrefix = area.code;
  const where = area?.name ?? t('bot:visitor.here');
  const found = await matchesFor(ctx, person, { kind, jobsOnly: intent === 'jobs', limit: LIST_ITEMS, ...options }, t);
  const hint = (intent === 'gigs' || place === 'near') && !s.near ? [t('bot:visitor.share_location')] : [];
  if (!found.length) {
    s.state = undefined;
    return [said ? t('bot:visitor.none_filtered', { area: where, what: said }) : t(`bot:visitor.none_${intent}`, { area: where }), ...hint];
  }
  // Kept as a list: a number shows the notice, and once bound "报名 N" applies for it.
  s.items = found.map((r) => ({ type: r.type, id: r.id, title: r.title }));
  s.state = 'list';
  s.current = undefined;
  s.listedAt = ctx.clock.now().toISOString();
  const lines = found.map((r, i) => t('bot:find.item', { n: i + 1, title: r.title, summary: r.reasons.slice(0, 2).join(' · ') }));
  const title = titled(t(`bot:visitor.title_${intent}`, { area: where }), said, t);
  return [[title, ...lines, t('bot:visitor.footer')].join('\n'), ...hint];
}

export async function detail(turn: Turn, n: number): Promise<string[]> {
  const { ctx, s, t } = turn;
  const item = s.items?.[n - 1];
  if (!item) return [t('bot:detail.pick')];
  s.state = 'detail';
  s.current = n - 1;
  if (item.type === 'vacancy') {
    const row = await vacancyWithEmployer(ctx.db, item.id);
    if (!row) return [t('bot:detail.gone')];
    const v = row.v;
    const d = v.details as { date?: string; startTime?: string; endTime?: string };
    const text = t('bot:detail.vacancy', {
      title: v.title,
      employer: row.employer,
      pay: payText(t, v),
      // The village (or the region it was posted for) and the address the station gave.
      place: [row.village, v.address].filter(Boolean).join(' ') || t('bot:detail.unknown_place'),
      left: Math.max(0, v.headcount - v.filled),
      description: v.description ?? '',
    }).trim();
    const when = v.kind === 'gig' && d.date ? `\n${t('bot:detail.gig_time', { date: d.date, start: d.startTime ?? '', end: d.endTime ?? '' })}` : '';
    return [`${text}${when}`, t('bot:detail.footer')];
  }
  if (item.type === 'fair') return fairDetail(turn, item.id);
  const tr = await trainingSession(ctx.db, item.id);
  if (!tr) return [t('bot:detail.gone')];
  const subsidy = tr.trainingSubsidyFen > 0 ? t('bot:detail.subsidy', { amount: tr.trainingSubsidyFen / 100 }) : '';
  return [
    t('bot:detail.training', { title: tr.title, provider: tr.provider, start: tr.startDate, end: tr.endDate, place: tr.place ?? t('bot:detail.unknown_place'), left: Math.max(0, tr.capacity - tr.enrolled), subsidy }),
    t('bot:detail.footer'),
  ];
}

export async function apply({ ctx, s, worker, t }: ForWorker, n: number): Promise<string[]> {
  const item = s.items?.[n - 1];
  if (!item) return [t('bot:detail.pick')];
  const actor = await chatActor(ctx);
  try {
    if (item.type === 'fair') {
      const signed = await signUp(ctx, actor, item.id, worker.id, 'chat', {});
      s.state = undefined;
      return [signed.status === 'signed_up' ? t('bot:fair.signed_up', { title: item.title }) : t('bot:fair.waiting', { title: item.title, position: signed.position ?? 1 })];
    }
    if (item.type === 'vacancy') {
      await applyFor({ ctx, actor, meta: {} }, item.id, worker.id, 'chat');
      s.state = undefined;
      return [t('bot:apply.done', { title: item.title })];
    }
    await enrol({ ctx, actor, meta: {} }, item.id, worker.id);
    s.state = undefined;
    return [t('bot:apply.enrolled', { title: item.title })];
  } catch (err) {
    const why = refusal(err);
    if (!why) throw err;
    if (why.reasons.some((r) => ALREADY.has(r))) return [t('bot:apply.already')];
    if (why.reasons.some((r) => r.startsWith(FAIR_PREFIX))) return [t('bot:fair.closed')];
    if (why.code === 'conflict' || why.code === 'not_found') return [t('bot:apply.closed')];
    throw err;
  }
}
