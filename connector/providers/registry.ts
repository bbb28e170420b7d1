/** Every provider, one line each. Adding a provider: its folder, and a line here. */
import { google } from './google/index.js';
import { mailgun } from './mailgun/index.js';
import { microsoft365 } from './microsoft365/index.js';
import { postmark } from './postmark/index.js';
import { ses } from './ses/index.js';
import type { Provider, ProviderKey } from './provider.js';
import { resend } from './resend/index.js';
import { sendgrid } from './sendgrid/index.js';
import { smtp } from './smtp/index.js';

export const PROVIDERS: Readonly<Record<ProviderKey, Provider>> = Object.freeze({
  smtp,
  google,
  microsoft365,
  postmark,
  resend,
  sendgrid,
  mailgun,
  ses,
});

/** The provider of a connection that names none. */
export const DEFAULT_PROVIDER: ProviderKey = 'smtp';

export const PROVIDER_LIST: readonly Provider[] = Object.freeze(Object.values(PROVIDERS));

/** The provider of a connection (the schema allows only registered keys). */
export function providerOf(key: ProviderKey): Provider {
  const p = PROVIDERS[key];
  if (!p) throw new Error(`No provider "${key}"`);
  return p;
}
