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
  close(): Promise<void>;
}

/** A small local stand-in for WeChat's HTTP API that checks what it receives. */
export async function fakeWechat(appId: string, secret: string): Promise<FakeWechat> {
  let issued = 0;
  let expire = false;
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
        return reply(refused ? { errcode: refused, errmsg: 'refused' } : { errcode: 0, errmsg: 'ok' });
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
  return {
    url: `http://127.0.0.1:${port}`,
    ...state,
    expireNext: () => {
      expire = true;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
