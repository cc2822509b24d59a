import { createHash } from 'node:crypto';
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
