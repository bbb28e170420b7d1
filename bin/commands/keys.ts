import type { Envoi } from '../../connector/envoi.js';
import { EnvoiError } from '../../connector/errors.js';
import { ROLES, type KeyRecord, type Role } from '../../connector/store/keys.js';
import { UsageError, type Command } from '../cli.js';

/** Opens Envoi without a worker (keys only touch the database), runs `fn`, closes it. */
async function withEnvoi(fn: (envoi: Envoi) => Promise<void>): Promise<void> {
  // Loaded here, not at the top, so --help answers without loading the connector.
  const { loadConfig } = await import('../../connector/config.js');
  const { createEnvoi } = await import('../../connector/envoi.js');
  const { createLogger } = await import('../../connector/log.js');
  const envoi = await createEnvoi(loadConfig(), { logger: createLogger({ level: 'warn' }) });
  try {
    await fn(envoi);
  } finally {
    await envoi.close();
  }
}

/**
 * Checks role and scope before anything is written: a key for scope "Acme Corp" would match no
 * route and could do nothing (design.md "Scopes": `platform` or `^[a-z0-9][a-z0-9-]{0,62}$`).
 */
async function checkKeyRequest(role: string, scope: string): Promise<void> {
  const { assertScope } = await import('../../connector/connection-rules.js');
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role "${role}" is not a role: use ${ROLES.join(', ')}`, 'keys create');
  try {
    assertScope(scope);
  } catch (err) {
    if (!(err instanceof EnvoiError)) throw err;
    throw new UsageError(`--scope "${scope}" is not a scope: use platform or a tenant id matching ^[a-z0-9][a-z0-9-]{0,62}$ (lower-case letters, digits and dashes)`, 'keys create');
  }
}

export const keysCreate: Command = {
  name: 'keys create',
  summary: 'create an API key and print it once',
  help: `Usage: envoi keys create --role ROLE --scope SCOPE [--label TEXT]

Creates an API key and prints it once on stdout (only its hash is stored); what was created goes
to stderr, so \`KEY=$(envoi keys create …)\` captures the key alone.

Options:
  --role ROLE    ${ROLES.join(', ')}
  --scope SCOPE  platform, or a tenant id: ^[a-z0-9][a-z0-9-]{0,62}$ (e.g. acme, tenant-42)
  --label TEXT   a note shown in keys list (who or what uses the key)
  -h, --help     show this help`,
  options: { role: { type: 'string' }, scope: { type: 'string' }, label: { type: 'string' } },
  async run(values) {
    const { role, scope, label } = values as { role?: string; scope?: string; label?: string };
    if (!role || !scope) throw new UsageError(`keys create needs --role and --scope (missing ${[!role && '--role', !scope && '--scope'].filter(Boolean).join(' and ')})`, 'keys create');
    await checkKeyRequest(role, scope);
    // The API's key-request schema allows 200 characters; the column holds no more.
    if (label !== undefined && label.length > 200) throw new UsageError(`--label is ${label.length} characters long: 200 at most`, 'keys create');
    await withEnvoi(async (envoi) => {
      const key = await envoi.keys.create({ role: role as Role, scope, label });
      process.stdout.write(`${key.key}\n`);
      process.stderr.write(`Created ${key.role} key ${key.id} for scope ${key.scope}. It is shown only this once.\n`);
    });
  },
};

/** Keys as a table a person reads: never the key, nor its hash or prefix. */
function table(keys: KeyRecord[]): string {
  const head = ['ID', 'ROLE', 'SCOPE', 'LABEL', 'CREATED', 'LAST USED'];
  const rows = keys.map((k) => [k.id, k.role, k.scope, k.label ?? '', k.createdAt, k.lastUsedAt ?? 'never']);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export const keysList: Command = {
  name: 'keys list',
  summary: 'list the API keys that are not revoked (never the keys themselves)',
  help: `Usage: envoi keys list [--json]

Lists the API keys that are not revoked: id, role, scope, label, when each was created and last
used. The keys themselves are not stored and never shown.

Options:
  --json      one JSON array (for scripts) instead of a table
  -h, --help  show this help`,
  options: { json: { type: 'boolean', default: false } },
  async run(values) {
    await withEnvoi(async (envoi) => {
      const keys = await envoi.keys.list();
      if (values.json) {
        const shown = keys.map((k) => ({ id: k.id, role: k.role, scope: k.scope, label: k.label, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt }));
        process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      } else {
        process.stdout.write(keys.length ? `${table(keys)}\n` : 'No API keys: create one with `envoi keys create --role admin --scope platform`.\n');
      }
    });
  },
};

export const keysRevoke: Command = {
  name: 'keys revoke',
  summary: 'revoke an API key by its id (requests with it get 401 from then on)',
  help: `Usage: envoi keys revoke <id>

Revokes the API key with this id (see envoi keys list); requests that bear it are refused with
401 from then on. A key cannot be un-revoked: create a new one.

Options:
  -h, --help  show this help`,
  positionals: ['id'],
  async run(_values, [id]) {
    await withEnvoi(async (envoi) => {
      if (!(await envoi.keys.revoke(id!))) throw new EnvoiError('NOT_FOUND', `No API key ${id} (or it is already revoked)`, { hint: 'List the keys with `envoi keys list` and use an id from it.' });
      process.stdout.write(`Revoked key ${id}\n`);
    });
  },
};

/** `envoi keys` alone, or `envoi keys --help`. */
export const KEYS_HELP = `Usage: envoi keys <create|list|revoke> …

  keys create --role ROLE --scope SCOPE [--label TEXT]   ${keysCreate.summary}
  keys list [--json]                                     ${keysList.summary}
  keys revoke <id>                                       ${keysRevoke.summary}

Run \`envoi keys <command> --help\` for one command's options.`;
