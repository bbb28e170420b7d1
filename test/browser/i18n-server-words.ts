// The server's words for connections (issue #17) as the language tests see them: the English texts
// every language keeps (identifiers), the words a language shares with English, and the English
// texts of the API's answers that the page must never show in another language.

/** English texts every language shows as they are, with why. Anything else needs a translation. */
export const KEPT: Record<string, string> = {
  EmailConnection: 'the schema\'s type name (the generated TypeScript type)',
  SMTP: 'protocol name', STARTTLS: 'protocol command', 'SSL/TLS': 'protocol names', HTTPS: 'protocol name', 'HTTPS (SigV4)': 'protocol and AWS signature names', 'HTTPS (Graph)': 'protocol and API names',
  '{host}:{port}': 'an address', '{authMethod} · {user}': 'a method code and a user name',
  'Google Workspace (Gmail API)': 'product name', 'Gmail API': 'product name', 'Mailgun (API)': 'product name', 'Mailgun API ({region}): {domain}': 'product name and values',
  'Microsoft 365 (Graph, OAuth2)': 'product and protocol names', 'Microsoft 365': 'product name', 'Microsoft Graph': 'product name', 'Postmark (API)': 'product name', 'Postmark API': 'product name',
  'Resend (API)': 'product name', 'Resend API': 'product name', 'SendGrid (API)': 'product name', 'SendGrid API': 'product name', 'Amazon SES (API)': 'product name', 'Amazon SES {region}': 'product name and region code',
  US: 'region code', EU: 'region code',
  'mg.example.com': 'an example value', 'eu-west-1': 'an example value', AKIAIOSFODNN7EXAMPLE: 'AWS\'s example key id', 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx': 'the token\'s shape', outbound: 'Postmark\'s stream id',
  're_…': 'the key\'s prefix', 'whsec_…': 'the secret\'s prefix', 'SG.…': 'the key\'s prefix', '{"type": "service_account", "client_email": …, "private_key": …}': 'the key file\'s shape',
  'Gmail / Google Workspace': 'product names', 'Outlook / Office 365 (SMTP)': 'product names', 'Exchange Online (SMTP, OAuth)': 'product and protocol names', SendGrid: 'product name', Mailgun: 'product name',
  'Amazon SES': 'product name', 'Brevo (Sendinblue)': 'product names', Postmark: 'product name', 'Mailgun (API, US)': 'product name and region', 'Mailgun (API, EU)': 'product name and region',
};

/** Words a language writes as English does, with why. */
export const SAME_WORD: Record<string, Record<string, string>> = {
  fr: { Port: 'same French word' },
  de: { Port: 'same German word', Server: 'same German word', Region: 'same German word', Bounces: 'the term German mail admins use' },
  nl: { Server: 'same Dutch word', Bounces: 'the term Dutch mail admins use' },
  pt: {},
  ru: {},
};

/** The human texts of a schema, [JSON Pointer, text] (scripts/schema-texts.mjs, what the build translates). */
export async function schemaTexts(): Promise<(schema: unknown) => Array<[string, string]>> {
  // A computed URL: the build's scripts are plain ESM, outside the compiled tree.
  const url = new URL('../../../scripts/schema-texts.mjs', import.meta.url).href;
  return ((await import(url)) as { textsOf(schema: unknown): Array<[string, string]> }).textsOf;
}

interface Answers {
  manifest: { connector: { settingsSchema: unknown } };
  presets: { items: Array<{ label: string; note: string; suggestedRateLimit?: { reason: string } }> };
  connections: { items: Array<{ warnings: Array<{ message: string; hint?: string; fix?: { label: string } }> }> };
}

/**
 * The English words for people in the API's English answers (the connection schema's texts, the
 * presets', the connections' warnings) that `lang` translates: all but KEPT and its SAME_WORD.
 * Made from the English answers alone, so a server that forgot to translate is caught too.
 */
export async function englishServerWords(lang: string, english: Answers): Promise<string[]> {
  const textsOf = await schemaTexts();
  const all = [
    ...textsOf(english.manifest.connector.settingsSchema).map(([, t]) => t),
    ...english.presets.items.flatMap((p) => [p.label, p.note, ...(p.suggestedRateLimit ? [p.suggestedRateLimit.reason] : [])]),
    ...english.connections.items.flatMap((c) => c.warnings.flatMap((w) => [w.message, ...(w.hint ? [w.hint] : []), ...(w.fix ? [w.fix.label] : [])])),
  ];
  return [...new Set(all)].filter((t) => !(t in KEPT) && !(t in (SAME_WORD[lang] ?? {})));
}
