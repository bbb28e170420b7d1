import type { NextFunction, Request, Response } from 'express';
import { EnvoiError } from '../connector/errors.js';
import type { Logger } from '../connector/log.js';
import { isStorageFailure, storageUnavailable } from '../connector/store/storage-errors.js';
import { NDJSON } from './stage-stream.js';

/** The one place that turns errors into `{error:{code,message,hint,details}}` responses. */
export function errorHandler(logger: Logger, maxBytes: number) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let e: EnvoiError;
    const bodyErr = err as { type?: string; status?: number };
    if (err instanceof EnvoiError) {
      e = err;
    } else if (bodyErr?.type === 'entity.too.large') {
      e = new EnvoiError('PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBytes} bytes`);
    } else if (bodyErr?.type === 'entity.parse.failed') {
      e = new EnvoiError('BAD_JSON', 'The request body is not valid JSON');
    } else if (bodyErr?.status && bodyErr.status >= 400 && bodyErr.status < 500) {
      e = new EnvoiError('VALIDATION_FAILED', 'The request could not be read', { hint: 'Send JSON with Content-Type: application/json.' });
    } else if (isStorageFailure(err)) {
      // A full disk or a lost database is retryable, never a 500; the cause goes to the log only.
      logger.error('storage unavailable', { requestId: res.getHeader('X-Request-Id'), method: req.method, path: req.path, err });
      e = storageUnavailable(err);
    } else {
      logger.error('unhandled error', { requestId: res.getHeader('X-Request-Id'), method: req.method, path: req.path, err });
      e = new EnvoiError('INTERNAL', 'Something went wrong on the server');
    }
    if (err instanceof EnvoiError && e.status >= 500) {
      logger.error('request failed', { requestId: res.getHeader('X-Request-Id'), method: req.method, path: req.path, code: e.code, message: e.message });
    }
    // A stream already under way (a connection test's NDJSON stages) keeps its 200: its last line is the error.
    if (res.headersSent) {
      if (!res.writableEnded && String(res.getHeader('content-type')).startsWith(NDJSON)) res.write(`${JSON.stringify({ error: e.toBody() })}\n`);
      res.end();
      return;
    }
    if (e.retryAfterS !== undefined) res.set('Retry-After', String(e.retryAfterS));
    res.status(e.status).json({ error: e.toBody() });
  };
}
