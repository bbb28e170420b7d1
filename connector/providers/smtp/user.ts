import type { ConnectionSettings } from '../../store/connections.js';

/** The user name a connection authenticates as, or undefined for no authentication. */
export function effectiveUser(c: Pick<ConnectionSettings, 'authMethod' | 'user' | 'userSameAsSender' | 'senderEmail'>): string | undefined {
  if (c.authMethod === 'NONE') return undefined;
  return c.userSameAsSender ? c.senderEmail : c.user;
}
