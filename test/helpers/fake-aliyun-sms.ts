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
  const state = { sends: [] as AliyunSend[], refused: [] as string[], codeFor: new Map<string, string>() };
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
      if (req.headers['x-acs-action'] !== 'SendSms' || req.headers['x-acs-version'] !== '2017-05-25') {
        state.refused.push('wrong action');
        res.statusCode = 400;
        return reply({ Code: 'InvalidAction.NotFound', Message: 'unknown action', RequestId: 'fake' });
      }
      const send = Object.fromEntries(url.searchParams) as unknown as AliyunSend;
      if (!send.PhoneNumbers || !send.SignName || !send.TemplateCode) return reply({ Code: 'isv.INVALID_PARAMETERS', Message: 'missing', RequestId: 'fake' });
      state.sends.push(send);
      const code = state.codeFor.get(send.PhoneNumbers) ?? 'OK';
      reply({ Code: code, Message: code === 'OK' ? 'OK' : 'refused', BizId: `biz-${state.sends.length}`, RequestId: `req-${state.sends.length}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, ...state, close: () => new Promise((r) => server.close(() => r())) };
}
