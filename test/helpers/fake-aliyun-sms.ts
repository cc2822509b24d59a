import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface AliyunSend {
  PhoneNumbers: string;
  SignName: string;
  TemplateCode: string;
  TemplateParam: string;
  OutId?: string;
}

export interface FakeAliyunSms {
  url: string;
  sends: AliyunSend[];
  refused: string[];
  /** Phone number → the code to answer (e.g. isv.MOBILE_NUMBER_ILLEGAL). */
  codeFor: Map<string, string>;
  /** Numbers the carrier cannot reach: their texts are reported failed (SendStatus 2, MOBILE_NOT_ON_SERVICE). */
  undeliverable: Set<string>;
  /** While true, texts are taken but reported as still waiting for the carrier (SendStatus 1). */
  carrierSlow: boolean;
  /** Take the next n texts, then answer HTTP 500 as if the answer was lost (the text still goes out). */
  failAfterAccept(n: number): void;
  /** QuerySendDetails calls answered. */
  queries: number;
  /** The SmsReport push for every text sent so far not yet reported. */
  report(): Array<{ phone_number: string; send_time: string; report_time: string; success: boolean; err_code: string; err_msg: string; sms_size: string; biz_id: string; out_id: string }>;
  close(): Promise<void>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** RFC 3986 percent-encoding, as the ACS3 canonical query wants it. */
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Checks an ACS3-HMAC-SHA256 signature as Alibaba Cloud does; returns what is wrong, or null. */
function checkSignature(method: string, url: URL, headers: IncomingHttpHeaders, body: string, keyId: string, secret: string): string | null {
  const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([a-z0-9;-]+),Signature=([0-9a-f]{64})$/.exec(String(headers.authorization ?? ''));
  if (!m) return 'authorization header malformed';
  const [, id, signed, signature] = m;
  if (id !== keyId) return 'unknown access key';
  if (headers['x-acs-content-sha256'] !== sha256(body)) return 'payload hash mismatch';
  const query = [...url.searchParams.entries()].map(([k, v]) => [encode(k), encode(v)] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
  const names = signed!.split(';');
  const canonicalHeaders = names.map((n) => `${n}:${String(headers[n] ?? '').trim()}\n`).join('');
  const canonical = [method, url.pathname, query, canonicalHeaders, signed, headers['x-acs-content-sha256']].join('\n');
  const expected = createHmac('sha256', secret).update(`ACS3-HMAC-SHA256\n${sha256(canonical)}`).digest('hex');
  return expected === signature ? null : 'signature mismatch';
}

/** A local stand-in for Alibaba Cloud's SMS API (SendSms, 2017-05-25) that checks what it receives. */
export async function fakeAliyunSms(keyId: string, secret: string): Promise<FakeAliyunSms> {
  const state = { sends: [] as AliyunSend[], refused: [] as string[], codeFor: new Map<string, string>(), undeliverable: new Set<string>(), carrierSlow: false, queries: 0 };
  let acceptThenFail = 0;
  let reported = 0;
  const beijing = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
  const sentAt: Date[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://fake');
      const reply = (payload: object) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(payload));
      };
      const wrong = checkSignature(req.method ?? 'GET', url, req.headers, body, keyId, secret);
      if (wrong) {
        state.refused.push(wrong);
        res.statusCode = 400;
        return reply({ Code: 'SignatureDoesNotMatch', Message: wrong, RequestId: 'fake' });
      }
      if (req.headers['x-acs-action'] === 'QuerySendDetails' && req.headers['x-acs-version'] === '2017-05-25') {
        state.queries++;
        const q = Object.fromEntries(url.searchParams) as Record<string, string>;
        if (!q.PhoneNumber || !/^\d{8}$/.test(q.SendDate ?? '') || !q.PageSize || !q.CurrentPage) return reply({ Code: 'isv.INVALID_PARAMETERS', Message: 'missing', RequestId: 'fake' });
        const found = state.sends
          .map((send, i) => ({ send, i }))
          .filter(({ send, i }) => send.PhoneNumbers === q.PhoneNumber && beijing(sentAt[i]!).slice(0, 10).replace(/-/g, '') === q.SendDate && (!q.BizId || q.BizId === `biz-${i + 1}`));
        const dto = found.map(({ send, i }) => {
          const waiting = state.carrierSlow;
          const ok = !state.undeliverable.has(send.PhoneNumbers);
          return { PhoneNum: send.PhoneNumbers, SendStatus: waiting ? 1 : ok ? 3 : 2, ErrCode: waiting ? '' : ok ? 'DELIVERED' : 'MOBILE_NOT_ON_SERVICE', TemplateCode: send.TemplateCode, Content: '', SendDate: beijing(sentAt[i]!), ReceiveDate: waiting ? '' : beijing(new Date()), OutId: send.OutId ?? '' };
        });
        return reply({ Code: 'OK', Message: 'OK', RequestId: `query-${state.queries}`, TotalCount: String(dto.length), SmsSendDetailDTOs: { SmsSendDetailDTO: dto } });
      }
      if (req.headers['x-acs-action'] !== 'SendSms' || req.headers['x-acs-version'] !== '2017-05-25') {
        state.refused.push('wrong action');
        res.statusCode = 400;
        return reply({ Code: 'InvalidAction.NotFound', Message: 'unknown action', RequestId: 'fake' });
      }
      const send = Object.fromEntries(url.searchParams) as unknown as AliyunSend;
      if (!send.PhoneNumbers || !send.SignName || !send.TemplateCode) return reply({ Code: 'isv.INVALID_PARAMETERS', Message: 'missing', RequestId: 'fake' });
      state.sends.push(send);
      sentAt.push(new Date());
      if (acceptThenFail > 0) {
        acceptThenFail--;
        res.statusCode = 500;
        return res.end('upstream failed');
      }
      const code = state.codeFor.get(send.PhoneNumbers) ?? 'OK';
      reply({ Code: code, Message: code === 'OK' ? 'OK' : 'refused', BizId: `biz-${state.sends.length}`, RequestId: `req-${state.sends.length}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    get sends() {
      return state.sends;
    },
    get refused() {
      return state.refused;
    },
    get codeFor() {
      return state.codeFor;
    },
    get undeliverable() {
      return state.undeliverable;
    },
    get carrierSlow() {
      return state.carrierSlow;
    },
    set carrierSlow(v: boolean) {
      state.carrierSlow = v;
    },
    get queries() {
      return state.queries;
    },
    failAfterAccept: (n: number) => {
      acceptThenFail = n;
    },
    report: () => {
      const out = [];
      for (; reported < state.sends.length; reported++) {
        const send = state.sends[reported]!;
        const ok = !state.undeliverable.has(send.PhoneNumbers);
        out.push({ phone_number: send.PhoneNumbers, send_time: beijing(sentAt[reported]!), report_time: beijing(new Date()), success: ok, err_code: ok ? 'DELIVERED' : 'MOBILE_NOT_ON_SERVICE', err_msg: ok ? '用户接收成功' : '停机', sms_size: '1', biz_id: `biz-${reported + 1}`, out_id: send.OutId ?? '' });
      }
      return out;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
