import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Envoi } from '../../connector/envoi.js';
import { RoutePatterns } from './route-patterns.js';

/** A request id a proxy or a host may pass on (UUIDs, hex, base64 ids); anything else is replaced. */
const GIVEN_ID = /^[\w.:/+=-]{1,128}$/;

/**
 * One JSON line per HTTP request (design.md "Embedding and operations": requestId, method,
 * route, status, durationMs) and its duration in envoi_http_request_duration_seconds. The
 * request id comes from `X-Request-Id` when the caller sent a usable one, else it is made here;
 * it is echoed in the response and named by the error lines the request causes (server/errors.ts).
 */
export function requestLog(envoi: Envoi) {
  const patterns = new RoutePatterns();
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const given = req.get('x-request-id');
    const requestId = given && GIVEN_ID.test(given) ? given : crypto.randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const app = req.app;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = patterns.of(req, app as never);
      const status = res.statusCode;
      // A client that went away before the answer was written: the status is what it would have got.
      const aborted = !res.writableFinished;
      envoi.metrics.httpDuration.observe({ method: req.method, route, status: String(status) }, seconds);
      envoi.logger.info('request', { requestId, method: req.method, route, status, durationMs: Math.round(seconds * 1e4) / 10, ...(aborted ? { aborted } : {}) });
    };
    res.once('finish', finish);
    res.once('close', finish);
    // The id is not carried by async context (AsyncLocalStorage): entering one per request cost
    // 14 % of execute's CPU in the bench (a hook on every promise made while it is active). The
    // request line and the error handler's lines name it; lines about a delivery carry its deliveryId.
    next();
  };
}
