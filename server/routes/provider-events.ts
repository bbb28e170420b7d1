import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { EnvoiError } from '../../connector/errors.js';
import type { Envoi } from '../../lib/envoi.js';
import { route } from '../auth.js';

/** The most a provider's post may carry: SendGrid batches events, but far below this. */
export const MAX_EVENT_BODY_BYTES = 1024 * 1024;

/**
 * `POST /hooks/v1/:connectionId` (design.md "Bounces, complaints and suppression"): no API key,
 * the provider's own signature instead. The body is kept as raw bytes, whatever its type,
 * because every provider signs the exact bytes it sent; JSON is parsed only after the check.
 */
export function providerEventRoutes(envoi: Envoi): Router {
  const r = Router();
  const raw = express.raw({ type: () => true, limit: MAX_EVENT_BODY_BYTES });
  r.post('/:connectionId', (req: Request, res: Response, next: NextFunction) =>
    raw(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
        next(new EnvoiError('PAYLOAD_TOO_LARGE', `The event post is larger than ${MAX_EVENT_BODY_BYTES} bytes`, { hint: 'Providers post events in small batches; check the URL is only used for provider events.' }));
      } else next(err);
    }),
  route(async (req) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const result = await envoi.providerEvents.receive(String(req.params.connectionId), { headers: req.headers, body });
    return { ok: true, ...result };
  }));
  return r;
}
