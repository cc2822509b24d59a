import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface FakeWechat {
  url: string;
  tokenRequests: Array<Record<string, string>>;
  sends: Array<{ token: string; body: { touser: string; template_id: string; page: string; data: Record<string, { value: string }> } }>;
  /** openid → errcode WeChat answers for it. */
  refuse: Map<string, number>;
  /** wx.login codes WeChat knows: code → the person behind it (used once each, as WeChat does). */
  logins: Map<string, { openid: string; unionid?: string }>;
  /** Codes of the phone-number button → the number. */
  phones: Map<string, string>;
  sessionRequests: Array<Record<string, string>>;
  /** Official account: customer-service messages (within 48 hours) and template messages. */
  customSends: Array<{ touser: string; msgtype: string; text: { content: string } }>;
  templateSends: Array<{ touser: string; template_id: string; data: Record<string, { value: string }> }>;
  /** Answer the next send with "access token expired". */
  expireNext(): void;
  /**
   * Faults of a provider that took the message: answer only after this many ms (the message is
   * recorded on arrival), or answer HTTP 500 after recording it.
   */
  faults: { delayMs: number; failAfterAccept: boolean };
  /** Where to push each subscribe message's report (subscribe_msg_sent_event), signed with the push token, as WeChat does. */
  pushTo: { url: string; token: string } | undefined;
  /** Reports pushed and acknowledged. */
  reportsAcked: number;
  close(): Promise<void>;
}

/** A small local stand-in for WeChat's HTTP API that checks what it receives. */
export async function fakeWechat(appId: string, secret: string): Promise<FakeWechat> {
  let issued = 0;
  let expire = false;
  let msgids = 1000;
  /** Posts the report of one accepted message, retrying until it is acknowledged (as WeChat retries a push). */
  const pushReport = async (openid: string, templateId: string, msgid: number) => {
    if (!fake.pushTo) return;
    const event = { ToUserName: 'gh_fake', FromUserName: openid, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'event', Event: 'subscribe_msg_sent_event', SubscribeMsgSentEvent: { List: { TemplateId: templateId, MsgID: String(msgid), ErrorCode: '0', ErrorStatus: 'success' } } };
    for (let attempt = 0; attempt < 200; attempt++) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = `${msgid}-${attempt}-${Math.random().toString(36).slice(2)}`;
      const signature = createHash('sha1').update([fake.pushTo.token, timestamp, nonce].sort().join('')).digest('hex');
      const url = new URL(fake.pushTo.url);
      url.search = new URLSearchParams({ signature, timestamp, nonce }).toString();
      const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event), signal: AbortSignal.timeout(5000) })
        .then(async (r) => r.ok && (await r.text()) === 'success')
        .catch(() => false);
      if (ok) {
        fake.reportsAcked++;
        return;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  const state = {
    tokenRequests: [] as FakeWechat['tokenRequests'],
    sends: [] as FakeWechat['sends'],
    refuse: new Map<string, number>(),
    logins: new Map<string, { openid: string; unionid?: string }>(),
    phones: new Map<string, string>(),
    sessionRequests: [] as Array<Record<string, string>>,
    customSends: [] as FakeWechat['customSends'],
    templateSends: [] as FakeWechat['templateSends'],
  };
  const fake = { faults: { delayMs: 0, failAfterAccept: false }, pushTo: undefined, reportsAcked: 0 } as unknown as FakeWechat;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const reply = (body: object) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/cgi-bin/token') {
      const q = Object.fromEntries(url.searchParams);
      state.tokenRequests.push(q);
      if (q.grant_type !== 'client_credential' || q.appid !== appId || q.secret !== secret) return reply({ errcode: 40013, errmsg: 'invalid appid' });
      issued++;
      return reply({ access_token: `token-${issued}`, expires_in: 7200 });
    }
    if (url.pathname === '/sns/jscode2session') {
      const q = Object.fromEntries(url.searchParams);
      state.sessionRequests.push(q);
      if (q.appid !== appId || q.secret !== secret || q.grant_type !== 'authorization_code') return reply({ errcode: 40013, errmsg: 'invalid appid' });
      const who = state.logins.get(q.js_code ?? '');
      if (!who) return reply({ errcode: 40029, errmsg: 'invalid code' });
      state.logins.delete(q.js_code!);
      return reply({ openid: who.openid, session_key: 'not-kept', ...(who.unionid ? { unionid: who.unionid } : {}) });
    }
    if (url.pathname === '/wxa/business/getuserphonenumber' && req.method === 'POST') {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        if (url.searchParams.get('access_token') !== `token-${issued}`) return reply({ errcode: 40001, errmsg: 'invalid credential' });
        const phone = state.phones.get((JSON.parse(raw) as { code?: string }).code ?? '');
        if (!phone) return reply({ errcode: 40029, errmsg: 'invalid code' });
        return reply({ errcode: 0, errmsg: 'ok', phone_info: { phoneNumber: phone, purePhoneNumber: phone, countryCode: '86' } });
      });
      return;
    }
    if (url.pathname === '/cgi-bin/message/subscribe/send' && req.method === 'POST') {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const token = url.searchParams.get('access_token') ?? '';
        if (expire || token !== `token-${issued}`) {
          expire = false;
          return reply({ errcode: 42001, errmsg: 'access_token expired' });
        }
        const body = JSON.parse(raw);
        state.sends.push({ token, body });
        const refused = state.refuse.get(body.touser);
        const msgid = ++msgids;
        if (!refused) void pushReport(body.touser, body.template_id, msgid);
        const answer = () => {
          if (fake.faults.failAfterAccept) {
            res.statusCode = 500;
            return res.end('internal error');
          }
          return reply(refused ? { errcode: refused, errmsg: 'refused' } : { errcode: 0, errmsg: 'ok', msgid });
        };
        if (fake.faults.delayMs) setTimeout(answer, fake.faults.delayMs);
        else answer();
      });
      return;
    }
    if ((url.pathname === '/cgi-bin/message/custom/send' || url.pathname === '/cgi-bin/message/template/send') && req.method === 'POST') {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        if (url.searchParams.get('access_token') !== `token-${issued}`) return reply({ errcode: 40001, errmsg: 'invalid credential' });
        const body = JSON.parse(raw);
        if (url.pathname.endsWith('/custom/send')) {
          if (body.msgtype !== 'text' || typeof body.text?.content !== 'string' || !body.touser) return reply({ errcode: 40008, errmsg: 'invalid message type' });
          state.customSends.push(body);
        } else {
          if (!body.template_id || !body.touser || typeof body.data !== 'object') return reply({ errcode: 40037, errmsg: 'invalid template_id' });
          state.templateSends.push(body);
        }
        return reply({ errcode: 0, errmsg: 'ok' });
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    ...state,
    expireNext: () => {
      expire = true;
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  });
  return fake;
}

/**
 * How WeChat's servers post to an official account's address, in each of the three modes of its console:
 * 明文模式 (plain XML, signed over token, timestamp and nonce), 兼容模式 (the plain XML with an Encrypt
 * element beside it) and 安全模式 (only the Encrypt element). The ciphertext is made as WeChat's notes
 * describe: AES key = base64 of the EncodingAESKey and "=", AES-256-CBC with the key's first 16 bytes as
 * IV, plaintext = 16 random bytes + 4-byte big-endian length + message + app id, PKCS#7 padded to 32 bytes;
 * msg_signature = sha1 of token, timestamp, nonce and the ciphertext, sorted and joined.
 */
export interface OaAccount {
  token: string;
  appId: string;
  /** The 43-character EncodingAESKey; absent in plain mode. */
  encodingAesKey?: string;
}

function wechatKey(encodingAesKey: string): Buffer {
  return Buffer.from(`${encodingAesKey}=`, 'base64');
}

function sha1Sorted(parts: string[]): string {
  return createHash('sha1').update(parts.sort().join('')).digest('hex');
}

/** The Encrypt value WeChat would send for this XML, for the app id given (another account's to test refusal). */
export function wechatEncrypt(encodingAesKey: string, xml: string, appId: string): string {
  const key = wechatKey(encodingAesKey);
  const msg = Buffer.from(xml, 'utf8');
  const len = Buffer.from([(msg.length >>> 24) & 0xff, (msg.length >>> 16) & 0xff, (msg.length >>> 8) & 0xff, msg.length & 0xff]);
  const plain = Buffer.concat([randomBytes(16), len, msg, Buffer.from(appId)]);
  const n = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(n, n)])), cipher.final()]).toString('base64');
}

/** A post as WeChat makes it: its query string and body. `mode` as chosen in the account's console. */
export function wechatPost(account: OaAccount, xml: string, opts: { mode: 'plain' | 'compatible' | 'safe'; at: Date; appId?: string; forge?: boolean }): { query: string; body: string } {
  const timestamp = String(Math.floor(opts.at.getTime() / 1000));
  const nonce = String(randomBytes(4).readUInt32BE(0));
  const signature = sha1Sorted([account.token, timestamp, nonce]);
  if (opts.mode === 'plain') return { query: new URLSearchParams({ signature, timestamp, nonce }).toString(), body: xml };
  const encrypted = wechatEncrypt(account.encodingAesKey!, xml, opts.appId ?? account.appId);
  const msgSig = opts.forge ? sha1Sorted(['not-the-token', timestamp, nonce, encrypted]) : sha1Sorted([account.token, timestamp, nonce, encrypted]);
  const openid = /<FromUserName><!\[CDATA\[([^\]]*)\]\]>/.exec(xml)?.[1] ?? '';
  const to = /<ToUserName><!\[CDATA\[([^\]]*)\]\]>/.exec(xml)?.[1] ?? '';
  const body = opts.mode === 'safe' ? `<xml><ToUserName><![CDATA[${to}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>` : xml.replace(/<\/xml>\s*$/, `<Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`);
  return { query: new URLSearchParams({ signature, timestamp, nonce, openid, encrypt_type: 'aes', msg_signature: msgSig }).toString(), body };
}

/**
 * What WeChat does with an encrypted passive reply: checks MsgSignature over TimeStamp, Nonce and Encrypt,
 * decrypts, checks the padding and the app id, and returns the reply's XML; throws where WeChat would
 * refuse the reply (the person would then see "该公众号暂时无法提供服务").
 */
export function wechatOpenReply(account: OaAccount, reply: string): string {
  const field = (name: string) => new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([^<\\]]*)(?:\\]\\]>)?</${name}>`).exec(reply)?.[1];
  const [encrypted, sig, timestamp, nonce] = [field('Encrypt'), field('MsgSignature'), field('TimeStamp'), field('Nonce')];
  if (!encrypted || !sig || !timestamp || !nonce) throw new Error('not an encrypted reply');
  if (sha1Sorted([account.token, timestamp, nonce, encrypted]) !== sig) throw new Error('bad MsgSignature');
  const key = wechatKey(account.encodingAesKey!);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
  const n = plain[plain.length - 1]!;
  if (n < 1 || n > 32 || plain.length % 32 !== 0) throw new Error('bad padding');
  const body = plain.subarray(0, plain.length - n);
  const len = body.readUInt32BE(16);
  if (body.subarray(20 + len).toString() !== account.appId) throw new Error('wrong app id');
  return body.subarray(20, 20 + len).toString('utf8');
}
