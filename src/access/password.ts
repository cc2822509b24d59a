import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import type { Config } from '../config';

/** argon2id's cost: memory in KiB, passes over it, and lanes (1 unless a stored hash says otherwise). */
export interface HashCost {
  memoryKib: number;
  passes: number;
  parallelism?: number;
}

/**
 * OWASP's second recommended setting for argon2id (19 MiB, 2 passes, 1 lane). The library's own
 * default (64 MiB, 3 passes, 4 lanes) took half a second of a core per sign-in, so 16 sign-ins at
 * once waited seconds in line (`npm run bench:login` compares the two).
 */
export const DEFAULT_COST: HashCost = { memoryKib: 19456, passes: 2, parallelism: 1 };

/** The cost set for this deployment (ARGON2_MEMORY_KIB, ARGON2_PASSES). */
export function hashCost(ctx: { config: Pick<Config, 'auth'> }): HashCost {
  return { ...ctx.config.auth.argon2 };
}

const options = (cost: HashCost): argon2.HashOptions => ({ type: argon2.argon2id, memoryCost: cost.memoryKib, timeCost: cost.passes, parallelism: cost.parallelism ?? 1 });

/**
 * Hashing runs on libuv's thread pool (4 threads by default), which file reads and DNS lookups
 * share. A flood of sign-ins could take all four and leave the rest of the service waiting, and more
 * hashes at once than cores only makes each one slower. So at most one hash per core runs at a
 * time; the others wait their turn in order of arrival.
 */
const slots = Math.max(1, availableParallelism());
let running = 0;
const waiting: Array<() => void> = [];

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= slots) await new Promise<void>((r) => waiting.push(r));
  else running++;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next in line, so `running` never drops below what is in use.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export function hashPassword(password: string, cost: HashCost = DEFAULT_COST): Promise<string> {
  return inTurn(() => argon2.hash(password, options(cost)));
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await inTurn(() => argon2.verify(hash, password));
  } catch {
    return false;
  }
}

/** A stored hash made with another cost (older, or the library's default) is made again at the next sign-in. */
export function needsRehash(hash: string, cost: HashCost = DEFAULT_COST): boolean {
  try {
    return argon2.needsRehash(hash, options(cost));
  } catch {
    return true;
  }
}

const dummies = new Map<string, Promise<string>>();
function dummyHash(cost: HashCost): Promise<string> {
  const key = `${cost.memoryKib}:${cost.passes}:${cost.parallelism ?? 1}`;
  let dummy = dummies.get(key);
  if (!dummy) {
    dummy = hashPassword('bangfu-timing-equaliser', cost);
    dummies.set(key, dummy);
  }
  return dummy;
}

/**
 * Makes the stand-in hash ahead of the first sign-in, so that the first unknown name is not answered
 * later than a wrong password (it would otherwise pay for making it).
 */
export async function prepareStandIn(cost: HashCost = DEFAULT_COST): Promise<void> {
  await dummyHash(cost);
}

/**
 * Spends the time of a real check at the same cost, so an unknown username cannot be told from a
 * wrong password by how long the answer takes.
 */
export async function verifyAgainstNothing(password: string, cost: HashCost = DEFAULT_COST): Promise<false> {
  await verifyPassword(await dummyHash(cost), password);
  return false;
}
