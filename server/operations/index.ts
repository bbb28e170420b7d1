import { Router } from 'express';
import type { Envoi } from '../../connector/envoi.js';
import { metricsRoute } from './metrics.js';
import { readyRoute } from './ready.js';
import { requestLog } from './request-log.js';

/**
 * What an operator needs of a running Envoi (design.md "Embedding and operations"): the
 * request log for every request after it, GET /ready and GET /metrics. Mounted first.
 */
export function operations(envoi: Envoi): Router {
  const r = Router();
  r.use(requestLog(envoi));
  r.get('/ready', readyRoute(envoi));
  r.get('/metrics', metricsRoute(envoi));
  return r;
}
