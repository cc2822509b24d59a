import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface SmsSend {
  PhoneNumberSet: string[];
  SmsSdkAppId: string;
  SignName: string;
  TemplateId: string;
  TemplateParamSet: string[];
  SessionContext?: string;
}

export interface FakeTencentSms {
  url: string;
  sends: SmsSend[];
  /** Requests refused for a bad signature or a wrong action. */
  refused: string[];
  /** +86 number → the status code to answer for it (e.g. FailedOperation.PhoneNumberInBlacklist). */
  statusFor: Map<string, string>;
  /** Answer the next n requests with HTTP 500. */
  failNext(n: number): void;
  /** Take the next n texts, then answer HTTP 500 as if the answer was lost (the text still goes out). */
  failAfterAccept(n: number): void;
  /**
   * The carrier's report of every text sent so far not yet reported: SUCCESS, or FAIL for the numbers in
   * `undeliverable`. Queued for PullSmsSendStatus, and returned in the status callback's format.
   */
  report(undeliverable?: Set<string>): Array<{ user_receive_time: string; nationcode: string; mobile: string; report_status: 'SUCCESS' | 'FAIL'; errmsg: string; description: string; sid: string }>;
  /** Statuses waiting to be pulled. */
  pending: number;
  close(): Promise<void>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s).digest();

/** Checks a TC3-HMAC-SHA256 signature as Tencent Cloud does; returns what is wrong, or null. */
function checkSignature(headers: IncomingHttpHeaders, body: string, secretId: string, secretKey: string): string | null {
  const auth = String(headers.authorization ?? '');
  const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return 'authorization header malformed';
  const [, id, date, service, signed, signature] = m;
  if (id !== secretId) return 'unknown secret id';
  const timestamp = String(headers['x-tc-timestamp'] ?? '');
  if (new Date(Number(timestamp) * 1000).toISOString().slice(0, 10) !== date) return 'date does not match the timestamp';
  const names = signed!.split(';');
  // The host is signed without its port (the real service listens on the standard one).
  const value = (n: string) => (n === 'host' ? String(headers.host ?? '').replace(/:\d+$/, '') : String(headers[n] ?? '').trim().toLowerCase());
  const canonicalHeaders = names.map((n) => `${n}:${value(n)}\n`).join('');
  const canonical = ['POST', '/', '', canonicalHeaders, signed, sha256(body)].join('\n');
  const scope = `${date}/${service}/tc3_request`;
  const toSign = ['TC3-HMAC-SHA256', timestamp, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(`TC3${secretKey}`, date!), service!), 'tc3_request');
  return createHmac('sha256', key).update(toSign).digest('hex') === signature ? null : 'signature mismatch';
}

/** A local stand-in for Tencent Cloud's SMS API (SendSms, version 2021-01-11) that checks what it receives. */
export async function fakeTencentSms(secretId: string, secretKey: string): Promise<FakeTencentSms> {
  let failing = 0;
  let acceptThenFail = 0;
  let reported = 0;
  const pulls: Array<Record<string, unknown>> = [];
  const state = { sends: [] as SmsSend[], refused: [] as string[], statusFor: new Map<string, string>() };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const reply = (status: number, payload: object) => {
        res.statusCode = status;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(payload));
      };
      if (failing > 0) {
        failing--;
        return reply(500, {});
      }
      const error = (code: string, message: string) => reply(200, { Response: { Error: { Code: code, Message: message }, RequestId: 'fake' } });
      const wrong = checkSignature(req.headers, body, secretId, secretKey);
      if (wrong) {
        state.refused.push(wrong);
        return error('AuthFailure.SignatureFailure', wrong);
      }
      if (req.headers['x-tc-action'] === 'PullSmsSendStatus' && req.headers['x-tc-version'] === '2021-01-11') {
        const ask = JSON.parse(body) as { Limit?: number; SmsSdkAppId?: string };
        if (!ask.SmsSdkAppId || !ask.Limit) return error('MissingParameter', 'missing');
        return reply(200, { Response: { PullSmsSendStatusSet: pulls.splice(0, Math.min(100, ask.Limit)), RequestId: `pull-${pulls.length}` } });
      }
      if (req.headers['x-tc-action'] !== 'SendSms' || req.headers['x-tc-version'] !== '2021-01-11') {
        state.refused.push(`action ${String(req.headers['x-tc-action'])} ${String(req.headers['x-tc-version'])}`);
        return error('InvalidAction', 'unknown action');
      }
      const send = JSON.parse(body) as SmsSend;
      if (!send.PhoneNumberSet?.length || !send.SmsSdkAppId || !send.SignName || !send.TemplateId || !Array.isArray(send.TemplateParamSet)) return error('MissingParameter', 'missing');
      state.sends.push(send);
      if (acceptThenFail > 0) {
        acceptThenFail--;
        return reply(502, {});
      }
      reply(200, {
        Response: {
          SendStatusSet: send.PhoneNumberSet.map((p) => ({ SerialNo: `sn-${state.sends.length}`, PhoneNumber: p, Fee: 1, SessionContext: send.SessionContext ?? '', Code: state.statusFor.get(p) ?? 'Ok', Message: 'send success', IsoCode: 'CN' })),
          RequestId: `req-${state.sends.length}`,
        },
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    ...state,
    failNext: (n) => {
      failing = n;
    },
    failAfterAccept: (n) => {
      acceptThenFail = n;
    },
    report: (undeliverable = new Set()) => {
      const out = [];
      for (; reported < state.sends.length; reported++) {
        const send = state.sends[reported]!;
        const serial = `sn-${reported + 1}`;
        for (const p of send.PhoneNumberSet) {
          const ok = !undeliverable.has(p);
          const mobile = p.replace(/^\+86/, '');
          const at = Math.floor(Date.now() / 1000);
          out.push({ user_receive_time: new Date((at + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' '), nationcode: '86', mobile, report_status: ok ? ('SUCCESS' as const) : ('FAIL' as const), errmsg: ok ? 'DELIVRD' : 'MK:0001', description: ok ? '用户短信送达成功' : '用户停机', sid: serial });
          pulls.push({ UserReceiveTime: at, CountryCode: '86', SubscriberNumber: mobile, PhoneNumber: p, SerialNo: serial, ReportStatus: ok ? 'SUCCESS' : 'FAIL', Description: ok ? '用户短信送达成功' : '用户停机', SessionContext: send.SessionContext ?? '' });
        }
      }
      return out;
    },
    get pending() {
      return pulls.length;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
