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
    let bb: Busboy.Busboy;
    try {
      bb = Busboy({ headers: ctx.req.headers, limits: { files: 1, fileSize: limitBytes, fields: 20, parts: 30 } });
    } catch {
      reject(new ValidationFailed('bad multipart', [{ path: field, message: 'errors:detail.upload.multipart' }]));
      return;
    }
    let upload: Upload | undefined;
    let failed: Error | undefined;
    bb.on('file', (name, stream, info) => {
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
    bb.on('error', () => reject(new ValidationFailed('bad multipart', [{ path: field, message: 'errors:detail.upload.multipart' }])));
    bb.on('close', () => {
      if (failed) reject(failed);
      else if (!upload || upload.data.length === 0) reject(new ValidationFailed('no file', [{ path: field, message: 'errors:detail.upload.missing' }]));
      else resolve(upload);
    });
    ctx.req.pipe(bb);
  });
}
