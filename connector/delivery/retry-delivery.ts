import { EnvoiError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Delivery, DeliveryStore } from '../store/deliveries.js';
import type { Outbox } from './outbox.js';

/**
 * Puts a `failed` or `unknown` delivery back in the queue for another round of attempts (an
 * admin's Retry). A delivery still queued, or sent, is a CONFLICT with a hint saying why.
 */
export async function retryDelivery(s: { deliveries: DeliveryStore; outbox: Outbox; logger: Logger; config: { maxAttempts: number } }, scope: string, id: string, by?: string): Promise<Delivery> {
  const current = await s.deliveries.get(scope, id);
  if (!current) throw new EnvoiError('NOT_FOUND', `No delivery ${id} in this scope`, { hint: 'List the deliveries of this scope to find the id.' });
  if (current.status !== 'failed' && current.status !== 'unknown') {
    throw new EnvoiError('CONFLICT', `Only a failed or unknown delivery can be retried; this one is ${current.status}`, { hint: current.status === 'sent' ? 'It was delivered already.' : 'It is still in the queue and will be tried again on its own.' });
  }
  if (current.lastError?.code === 'ALL_RECIPIENTS_SUPPRESSED') {
    // It was never built for anyone: a retry must not become a way around the list.
    throw new EnvoiError('CONFLICT', 'Every recipient of this delivery was on the suppression list; there is nothing to retry', {
      hint: 'Remove the addresses from the suppression list if they should get mail again, then run the action again.',
    });
  }
  const d = await s.deliveries.requeue(scope, id, s.config.maxAttempts);
  if (!d) throw new EnvoiError('CONFLICT', 'The delivery changed while it was being re-queued', { hint: 'Load it again.' });
  s.outbox.events.emit('queued', d.id, { connectionId: d.connectionId, scope: d.scope });
  s.logger.info('delivery re-queued', { deliveryId: d.id, ...(by ? { principal: by } : {}) });
  return d;
}
