import { EnvoiError } from '../connector/errors.js';
import { createIcs } from './create-ics.js';
import { sendEmail } from './send-email.js';
import { sendInvitation } from './send-invitation.js';
import { sendSignupConfirmation } from './send-signup-confirmation.js';
/** Every action of the manifest, by key. */
export const ACTIONS = new Map([sendEmail, sendInvitation, sendSignupConfirmation, createIcs].map((a) => [a.key, a]));
/** The action with this key, or NOT_FOUND naming the ones that exist. */
export function getAction(key) {
    const action = ACTIONS.get(key);
    if (!action) {
        throw new EnvoiError('NOT_FOUND', `No action "${key}"`, { hint: `Actions: ${[...ACTIONS.keys()].join(', ')}.` });
    }
    return action;
}
//# sourceMappingURL=registry.js.map