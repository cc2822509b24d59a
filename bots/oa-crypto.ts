import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * WeChat's message encryption for the official account (兼容模式 and 安全模式), as its technical notes
 * describe it: the AES key is the EncodingAESKey (43 characters) with "=" appended, read as base64
 * (32 bytes); AES-256-CBC with the key's first 16 bytes as IV; the plaintext is 16 random bytes, the
 * message's length in 4 bytes big-endian, the message, then the app id; PKCS#7 padding to blocks of 32
 * bytes (not AES's 16), so padding is done here rather than by the cipher.
 */

const BLOCK = 32;

/** The 32-byte AES key from the EncodingAESKey set in the official account's console. */
export function aesKeyOf(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('the EncodingAESKey must decode to 32 bytes');
  return key;
}

/** sha1 over the token, timestamp, nonce and the encrypted body, sorted as strings and joined (msg_signature). */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypted].sort().join('')).digest('hex');
}

/** True when `given` is the msg_signature of this call; compared in constant time. */
export function msgSignatureOk(token: string, timestamp: string, nonce: string, encrypted: string, given: unknown): boolean {
  if (typeof given !== 'string' || !/^[0-9a-f]{40}$/i.test(given)) return false;
  return timingSafeEqual(Buffer.from(msgSignature(token, timestamp, nonce, encrypted)), Buffer.from(given.toLowerCase()));
}

/** The base64 `Encrypt` value for a message (an XML document) from the account with this app id. */
export function encryptMessage(key: Buffer, message: string, appId: string, random: Buffer = randomBytes(16)): string {
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const plain = Buffer.concat([random, length, body, Buffer.from(appId, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

export type Decrypted = { ok: true; message: string } | { ok: false; reason: 'malformed' | 'wrong_app' };

/**
 * The message inside an `Encrypt` value, when it decrypts, is well formed, and names this app id: a
 * message encrypted for another account (the same key reused) is refused as `wrong_app`.
 */
export function decryptMessage(key: Buffer, encrypted: string, appId: string): Decrypted {
  const data = Buffer.from(encrypted, 'base64');
  if (!data.length || data.length % 16 !== 0) return { ok: false, reason: 'malformed' };
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > BLOCK || pad > plain.length || !plain.subarray(plain.length - pad).every((b) => b === pad)) return { ok: false, reason: 'malformed' };
  const unpadded = plain.subarray(0, plain.length - pad);
  if (unpadded.length < 20) return { ok: false, reason: 'malformed' };
  const length = unpadded.readUInt32BE(16);
  if (20 + length > unpadded.length) return { ok: false, reason: 'malformed' };
  const from = unpadded.subarray(20 + length);
  const expected = Buffer.from(appId, 'utf8');
  if (from.length !== expected.length || !timingSafeEqual(from, expected)) return { ok: false, reason: 'wrong_app' };
  return { ok: true, message: unpadded.subarray(20, 20 + length).toString('utf8') };
}
