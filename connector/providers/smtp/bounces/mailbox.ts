/**
 * One visit to a bounce mailbox over IMAP with imapflow: connect to a vetted address (TLS checks
 * the typed name), never log in in clear (Secure, or STARTTLS required), read the unseen messages
 * of the folder that are reports (multipart/report, by BODYSTRUCTURE, without fetching other mail),
 * hand each to `handle`, remember its UID and mark it \Seen. Other mail is not touched: bodies are
 * fetched with BODY.PEEK, so nothing Envoi does not process is marked seen.
 */
import net from 'node:net';
import type { Knex } from 'knex';
import type { ImapFlow as ImapFlowClass, MessageStructureObject } from 'imapflow';
import type { LookupAll, NetworkPolicy } from '../../../network-policy.js';
import { resolveAndVet } from '../../../network-policy.js';
import { reportTypeOf } from './reports.js';
import type { BounceMailbox } from './settings.js';

/** Reports read in one visit at most (the rest wait for the next poll). */
export const MAX_PER_VISIT = 50;
/** Bytes of a report read at most: the status parts come first, the returned original last. */
export const MAX_REPORT_BYTES = 1024 * 1024;

export interface Visit {
  connectionId: string;
  mailbox: BounceMailbox;
  password: string;
  /** PEM the connection trusts besides the system's CAs (its caCertificate). */
  ca?: string | undefined;
  policy: NetworkPolicy;
  lookup?: LookupAll | undefined;
  timeouts: { connection: number; greeting: number; socket: number; dns: number };
  /** Gives up (logging out) once this aborts: a poll's time is bounded. */
  signal: AbortSignal;
}

/** What to do with a report; its answer is kept with the UID. */
export type Handle = (raw: Buffer, place: string) => Promise<string>;

/** Reads the mailbox once; answers how many reports were handled. */
export async function visitMailbox(v: Visit, knex: Knex, handle: Handle): Promise<number> {
  const m = v.mailbox;
  const resolved = await resolveAndVet(m.host, v.policy, { lookup: v.lookup, timeoutMs: v.timeouts.dns });
  if (!resolved.ok) throw resolved.error;
  const servername = net.isIP(m.host.replace(/^\[|\]$/g, '')) ? undefined : m.host;
  // Loaded by the first mailbox read: 10 MB of memory in every process otherwise.
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({
    host: resolved.addresses[0]!,
    port: m.port,
    secure: !!m.secure,
    // Credentials never cross the wire in clear (RFC 8314): STARTTLS is required without Secure.
    doSTARTTLS: m.secure ? undefined : true,
    servername,
    tls: { servername, rejectUnauthorized: true, ...(v.ca ? { ca: v.ca } : {}) },
    auth: { user: m.user, pass: v.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: v.timeouts.connection,
    greetingTimeout: v.timeouts.greeting,
    socketTimeout: v.timeouts.socket,
    maxLiteralSize: MAX_REPORT_BYTES * 2,
  } as ConstructorParameters<typeof ImapFlowClass>[0]);
  client.on('error', () => {});
  const abort = () => client.close();
  v.signal.addEventListener('abort', abort, { once: true });
  try {
    await client.connect();
    const lock = await client.getMailboxLock(m.folder ?? 'INBOX', { readOnly: false });
    try {
      const mb = client.mailbox;
      if (!mb) return 0;
      const validity = String(mb.uidValidity);
      const unseen = ((await client.search({ seen: false }, { uid: true })) || []) as number[];
      if (!unseen.length) return 0;
      const where = { connection_id: v.connectionId, folder: m.folder ?? 'INBOX', uid_validity: validity };
      const done = new Set(((await knex('bounce_mailbox_uids').where(where).whereIn('uid', unseen).select('uid')) as Array<{ uid: string | number }>).map((r) => Number(r.uid)));
      const reports: number[] = [];
      for await (const msg of client.fetch(unseen.filter((u) => !done.has(u)).slice(-500), { uid: true, bodyStructure: true }, { uid: true })) {
        if (isReport(msg.bodyStructure)) reports.push(msg.uid);
      }
      // Processed before, \Seen lost (the poll died between the two): mark again, read nothing.
      const again = unseen.filter((u) => done.has(u));
      if (again.length) await client.messageFlagsAdd(again, ['\\Seen'], { uid: true });
      let handled = 0;
      for (const uid of reports.slice(0, MAX_PER_VISIT)) {
        if (v.signal.aborted) break;
        const msg = await client.fetchOne(String(uid), { uid: true, source: { maxLength: MAX_REPORT_BYTES } }, { uid: true });
        if (!msg || !msg.source) continue;
        const outcome = await handle(msg.source, `${where.folder}/${validity}/${uid}`);
        await knex('bounce_mailbox_uids').insert({ ...where, uid, outcome, processed_at: new Date().toISOString() }).onConflict(['connection_id', 'folder', 'uid_validity', 'uid']).ignore();
        await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        handled++;
      }
      return handled;
    } finally {
      lock.release();
    }
  } finally {
    v.signal.removeEventListener('abort', abort);
    await client.logout().catch(() => client.close());
  }
}

function isReport(s: MessageStructureObject | undefined): boolean {
  return !!s && reportTypeOf(s.type, (s.parameters ?? {}) as Record<string, string>) !== undefined;
}
