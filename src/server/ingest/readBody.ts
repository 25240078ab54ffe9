import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import { httpError } from '../HttpError.js';

/**
 * Reads a request body of at most `limit` bytes, gunzipped when
 * `Content-Encoding: gzip` (the limit then applies to the decompressed bytes
 * too, so a small gzip bomb is refused as early as a large body).
 *
 * @throws HttpError 413 `body-too-large`, 415 `unsupported-encoding`, 400 `invalid-body` (broken gzip).
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const gzip = encoding === 'gzip' || encoding === 'x-gzip';
  if (!gzip && encoding !== 'identity' && encoding !== '') {
    return Promise.reject(httpError('unsupported-encoding', `Content-Encoding "${encoding}" is not supported (use gzip or none)`));
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(httpError('body-too-large', `the body is ${declared} bytes; the limit is ${limit}`));
  }
  return new Promise((resolve, reject) => {
    const source = gzip ? request.pipe(createGunzip()) : request;
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (error: Error) => {
      if (done) return;
      done = true;
      source.removeAllListeners('data');
      if (gzip) {
        // Stop inflating (a bomb would go on expanding) and let the raw input drain.
        request.unpipe();
        source.destroy();
        source.on('error', () => undefined);
      }
      request.resume();
      reject(error);
    };
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return fail(httpError('body-too-large', `the body is over the limit of ${limit} bytes${gzip ? ' (after gunzip)' : ''}`));
      chunks.push(chunk);
    });
    source.once('error', (error) => fail(gzip ? httpError('invalid-body', `the body is not valid gzip: ${error.message}`, { cause: error }) : error));
    source.once('end', () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
  });
}
