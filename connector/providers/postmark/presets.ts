import type { Preset } from '../../presets.js';

/** Postmark's email API and what its account needs (the SMTP preset "postmark" stays for SMTP). */
export const POSTMARK_PRESETS: readonly Preset[] = Object.freeze([
  {
    id: 'postmark-api',
    label: 'Postmark (API)',
    provider: 'postmark',
    settings: { messageStream: 'outbound' },
    note: 'Paste the Server API token from Postmark → Servers → your server → API Tokens (not the Account token). The sender must be a confirmed sender signature, or an address at a domain verified under Sender Signatures → Domains. "outbound" is the default transactional stream. A new account is pending until Postmark approves it and sends only to addresses at the sender\'s own domain; the free developer plan sends 100 emails a month.',
  },
] satisfies Preset[]);
