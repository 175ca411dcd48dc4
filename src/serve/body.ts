/**
 * Request bodies: bounded (a client must not make the server buffer without limit) and
 * parsed with messages a person can act on.
 */
import type { IncomingMessage } from 'node:http';

/** API and webhook bodies are a few hundred bytes; this leaves room and stops abuse. */
export const MAX_BODY_BYTES = 64 * 1024;

export class BodyError extends Error {
  override readonly name = 'BodyError';
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: 'BODY_TOO_LARGE' | 'BODY_NOT_JSON' | 'BODY_ABORTED',
    message: string,
  ) {
    super(message);
  }
}

/** Reads the whole body (at most `limit` bytes) as UTF-8. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return reject(new BodyError(413, 'BODY_TOO_LARGE', `request body too large (limit ${limit} bytes)`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(new BodyError(413, 'BODY_TOO_LARGE', `request body too large (limit ${limit} bytes)`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', () => {
      if (failed) return;
      failed = true;
      reject(new BodyError(400, 'BODY_ABORTED', 'the request body was cut off'));
    });
  });
}

/** Parses a JSON body; an empty body is `{}` (so `POST /api/runs` with no body means "every journey"). */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BodyError(400, 'BODY_NOT_JSON', `request body is not valid JSON: ${(error as Error).message}`);
  }
}
