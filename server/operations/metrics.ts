import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import type { Envoi } from '../../connector/envoi.js';
import { EnvoiError } from '../../connector/errors.js';

const digest = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest();

/**
 * GET /metrics: Prometheus text for a request bearing ENVOI_METRICS_TOKEN. Without the token
 * configured the route does not exist (404), so metrics are never open by accident; a missing or
 * wrong token is 401. Tokens are compared as hashes in constant time.
 */
export function metricsRoute(envoi: Envoi) {
  const token = envoi.config.metricsToken ? digest(envoi.config.metricsToken) : undefined;
  return async (req: Request, res: Response): Promise<void> => {
    if (!token) {
      throw new EnvoiError('NOT_FOUND', 'Metrics are off on this server', { hint: 'An operator turns them on by setting ENVOI_METRICS_TOKEN; scrape with "Authorization: Bearer <that token>".' });
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!m || !crypto.timingSafeEqual(digest(m[1]!), token)) {
      throw new EnvoiError('UNAUTHORIZED', m ? 'The metrics token is wrong' : 'Metrics need the metrics token', {
        hint: 'Send "Authorization: Bearer <ENVOI_METRICS_TOKEN>" (the token of the server\'s environment, not an API key).',
      });
    }
    const { contentType, text } = await envoi.metrics.render();
    res.setHeader('Cache-Control', 'no-store');
    res.type(contentType).send(text);
  };
}
