// Who is signed in, the scope being looked at, and what the key's role allows on the page.
// The API enforces all of this; the page only hides what would be refused.

import type { WhoAmI } from './api.js';

export const state: { me: WhoAmI | null; scope: string; demo: boolean } = { me: null, scope: 'platform', demo: false };

export const SCOPE_PATTERN = /^(platform|[a-z0-9][a-z0-9-]{0,62})$/;

/** What the signed-in key may do (admin ⊇ builder + runtime; builder and runtime are apart). */
export const can = {
  viewConnections: () => state.me?.role === 'admin' || state.me?.role === 'builder',
  manageConnections: () => state.me?.role === 'admin',
  viewDeliveries: () => state.me?.role === 'admin' || state.me?.role === 'runtime',
  retry: () => state.me?.role === 'admin',
  /** The suppression list: the runtime reads it (execute obeys it), admins edit it. */
  viewSuppressions: () => state.me?.role === 'admin' || state.me?.role === 'runtime',
  /** DKIM keys and the domain check: admins only. */
  deliverability: () => state.me?.role === 'admin',
  tryActions: () => state.me?.role === 'admin' || state.me?.role === 'builder',
  execute: () => state.me?.role === 'admin',
  manageWebhooks: () => state.me?.role === 'admin',
  pickScope: () => state.me?.scope === 'platform',
  /** The sandbox settings and the captured mail of the scope (design.md "Sandbox"). */
  mailbox: () => state.me?.role === 'admin',
  /** API keys: platform admins only (POST/GET/DELETE /api/v1/keys). */
  manageKeys: () => state.me?.role === 'admin' && state.me?.scope === 'platform',
};
