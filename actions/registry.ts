import { EnvoiError } from '../connector/errors.js';
import type { ActionDefinition } from './define.js';
import { sendEmail } from './send-email.js';

/** Every action of the manifest, by key. */
export const ACTIONS: ReadonlyMap<string, ActionDefinition<any, any>> = new Map([[sendEmail.key, sendEmail]]);

/** The action with this key, or NOT_FOUND naming the ones that exist. */
export function getAction(key: string): ActionDefinition<any, any> {
  const action = ACTIONS.get(key);
  if (!action) {
    throw new EnvoiError('NOT_FOUND', `No action "${key}"`, { hint: `Actions: ${[...ACTIONS.keys()].join(', ')}.` });
  }
  return action;
}
