import argon2 from 'argon2';

/** argon2id with the library's defaults (64 MiB, 3 passes): slow enough for a leaked table, fast enough for a login. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** Spends the same time as a real check, so a wrong username cannot be told from a wrong password. */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummy ??= hashPassword('bangfu-timing-equaliser');
  await verifyPassword(await dummy, password);
  return false;
}
