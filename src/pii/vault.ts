import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** The keys a vault derives from PII_KEY (see `PiiVault.threadKeys`). */
export interface VaultKeys {
  encKey: Uint8Array;
  indexKey: Uint8Array;
}

/**
 * Encryption of personal data at rest: AES-256-GCM with a random 96-bit nonce per value, and a
 * keyed hash (HMAC-SHA256) beside it for exact lookup and de-duplication. Both keys are derived
 * from PII_KEY, so one secret is kept and rotated.
 */
export class PiiVault {
  private readonly encKey: Buffer;
  private readonly indexKey: Buffer;

  /** From PII_KEY, or (on a worker thread) from the keys another vault derived from it: see `threadKeys`. */
  constructor(masterKey: Buffer | VaultKeys) {
    if (Buffer.isBuffer(masterKey)) {
      if (masterKey.length !== 32) throw new Error('PII key must be 32 bytes');
      this.encKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'bangfu pii encryption v1', 32));
      this.indexKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'bangfu pii index v1', 32));
    } else {
      if (masterKey.encKey.length !== 32 || masterKey.indexKey.length !== 32) throw new Error('PII keys must be 32 bytes');
      this.encKey = Buffer.from(masterKey.encKey);
      this.indexKey = Buffer.from(masterKey.indexKey);
    }
  }

  /**
   * Copies of the derived keys, for the one purpose of opening the same vault on a worker thread of this
   * process (handed over in its workerData, never in a task, a log or an error). PII_KEY itself stays here.
   */
  threadKeys(): VaultKeys {
    return { encKey: new Uint8Array(this.encKey), indexKey: new Uint8Array(this.indexKey) };
  }

  private pool = Buffer.alloc(0);
  private poolAt = 0;

  /** Nonces come from a pool of random bytes refilled 4 KiB at a time (one system call, not one per value). */
  private nonce(): Buffer {
    if (this.poolAt + 12 > this.pool.length) {
      this.pool = randomBytes(12 * 341);
      this.poolAt = 0;
    }
    const n = this.pool.subarray(this.poolAt, this.poolAt + 12);
    this.poolAt += 12;
    return n;
  }

  /** `v1.` + base64(nonce | tag | ciphertext). */
  encrypt(plain: string): string {
    const nonce = this.nonce();
    const cipher = createCipheriv('aes-256-gcm', this.encKey, nonce);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return 'v1.' + Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(stored: string): string {
    if (!stored.startsWith('v1.')) throw new Error('unknown ciphertext version');
    const raw = Buffer.from(stored.slice(3), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /** Whole files (an uploaded spreadsheet waiting to be imported): nonce | tag | ciphertext. */
  encryptBytes(plain: Buffer): Buffer {
    const nonce = Buffer.from(this.nonce());
    const cipher = createCipheriv('aes-256-gcm', this.encKey, nonce);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), body]);
  }

  decryptBytes(stored: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, stored.subarray(0, 12));
    decipher.setAuthTag(stored.subarray(12, 28));
    return Buffer.concat([decipher.update(stored.subarray(28)), decipher.final()]);
  }

  /** The same value of the same kind always gives the same digest; nothing can be read back from it. */
  index(kind: 'id' | 'phone' | 'contact', normalized: string): string {
    return createHmac('sha256', this.indexKey).update(`${kind}:${normalized}`).digest('base64url');
  }
}
