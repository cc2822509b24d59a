import Busboy from 'busboy';
import type Koa from 'koa';
import { ValidationFailed } from '../shared/errors';

export interface Upload {
  fileName: string;
  data: Buffer;
}

class TooLarge extends Error {
  status = 413;
  type = 'entity.too.large';
}

/** Reads one file field from a multipart/form-data request, refusing anything over `limitBytes`. */
export function readUpload(ctx: Koa.Context, field: string, limitBytes: number): Promise<Upload> {
  const type = ctx.get('content-type');
  if (!/^multipart\/form-data/i.test(type)) {
    return Promise.reject(new ValidationFailed('multipart expected', [{ path: field, message: 'errors:detail.upload.multipart' }]));
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err: Error | undefined, value?: Upload) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(value!);
    };
    const incomplete = () => new ValidationFailed('incomplete multipart', [{ path: field, message: 'errors:detail.upload.incomplete' }]);
    let bb: Busboy.Busboy;
    try {
      bb = Busboy({ headers: ctx.req.headers, limits: { files: 1, fileSize: limitBytes, fields: 20, parts: 30 } });
    } catch {
      settle(new ValidationFailed('bad multipart', [{ path: field, message: 'errors:detail.upload.multipart' }]));
      return;
    }
    let upload: Upload | undefined;
    let failed: Error | undefined;
    bb.on('file', (name, stream, info) => {
      // A form that stops inside a file (its body ended before the closing boundary) errors that file's
      // stream: handled here, as a file that did not arrive whole, never as an error nobody listens to.
      stream.on('error', () => {
        failed ??= incomplete();
      });
      if (name !== field) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        failed = new TooLarge('file too large');
      });
      stream.on('end', () => {
        if (!failed) upload = { fileName: Buffer.from(info.filename ?? 'upload', 'latin1').toString('utf8'), data: Buffer.concat(chunks) };
      });
    });
    // A file cut off inside (above) says so; any other broken form is asked for again as multipart.
    bb.on('error', () => settle(failed ?? new ValidationFailed('bad multipart', [{ path: field, message: 'errors:detail.upload.multipart' }])));
    bb.on('close', () => {
      if (failed) settle(failed);
      else if (!upload || upload.data.length === 0) settle(new ValidationFailed('no file', [{ path: field, message: 'errors:detail.upload.missing' }]));
      else settle(undefined, upload);
    });
    // A sender that goes away mid-upload: what was read is let go, and the request ends instead of waiting forever.
    ctx.req.once('close', () => {
      if (!ctx.req.complete) {
        settle(incomplete());
        bb.destroy();
      }
    });
    ctx.req.pipe(bb);
  });
}
