import crypto from 'node:crypto';
import type Mail from 'nodemailer/lib/mailer';
import type { ConnectionService } from './connections.js';
import type { Outbox } from './delivery/outbox.js';
import { EnvoiError } from './errors.js';
import type { Locale } from './locales.js';
import type { Mailer } from './mailer.js';
import type { RateLimitStore } from './store/rate-limits.js';
import type { StoredConnection } from './store/connections.js';

// A fixed subject per locale, so an admin can find the test mail (and filter it) at once.
const TEXTS: Record<Locale, { subject: string; body: (name: string, when: string) => string }> = {
  en: { subject: 'Test email from Envoi', body: (n, w) => `This is a test email sent through the connection "${n}" on ${w}.\n\nIf you can read it, the connection works: Envoi can send mail with it.` },
  fr: { subject: "E-mail de test d'Envoi", body: (n, w) => `Ceci est un e-mail de test envoyé via la connexion « ${n} » le ${w}.\n\nSi vous le lisez, la connexion fonctionne : Envoi peut l'utiliser pour envoyer des e-mails.` },
  de: { subject: 'Test-E-Mail von Envoi', body: (n, w) => `Dies ist eine Test-E-Mail, gesendet über die Verbindung „${n}“ am ${w}.\n\nWenn Sie diese Nachricht lesen können, funktioniert die Verbindung: Envoi kann darüber E-Mails versenden.` },
  nl: { subject: 'Test-e-mail van Envoi', body: (n, w) => `Dit is een test-e-mail, verzonden via de verbinding '${n}' op ${w}.\n\nAls u dit kunt lezen, werkt de verbinding: Envoi kan er e-mail mee versturen.` },
  pt: { subject: 'E-mail de teste do Envoi', body: (n, w) => `Este é um e-mail de teste enviado pela conexão "${n}" em ${w}.\n\nSe você consegue lê-lo, a conexão funciona: o Envoi pode enviar e-mails por ela.` },
  ru: { subject: 'Тестовое письмо от Envoi', body: (n, w) => `Это тестовое письмо, отправленное через подключение «${n}» ${w}.\n\nЕсли вы его читаете, подключение работает: Envoi может отправлять через него почту.` },
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The test mail of a connection: fixed localized subject, sent as the connection's sender. */
export function buildTestEmail(conn: StoredConnection, to: string, locale: Locale, now = new Date()): Mail.Options & { subject: string } {
  const t = TEXTS[locale];
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' }).format(now);
  const text = t.body(conn.name, when);
  const html = `<!doctype html><html lang="${locale}"><body>${text.split('\n\n').map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</body></html>`;
  return { to, subject: t.subject, text, html, headers: { 'X-Envoi-Test': 'connection' } };
}

/** Test mails a scope may send in any minute: enough to try every connection, too few to spam with. */
export const TEST_EMAIL_LIMIT = Object.freeze({ messages: 10, perSeconds: 60 });
const TEST_EMAIL_WAIT_MS = 60_000;

/**
 * Takes one of the scope's test-mail slots, or throws RATE_LIMITED saying when the next one
 * frees (`retryAfterSeconds`). The window is the connections' sliding window in the database,
 * keyed by scope, so it holds across every process sharing it.
 */
export async function takeTestEmailSlot(rateLimits: RateLimitStore, scope: string): Promise<void> {
  // rate_events keys are 36 characters; no connection id (a UUID) starts with "test:".
  const key = `test:${crypto.createHash('sha256').update(scope).digest('hex').slice(0, 31)}`;
  const slot = await rateLimits.acquire(key, crypto.randomUUID(), TEST_EMAIL_LIMIT);
  if (slot.ok) {
    await rateLimits.complete(slot.eventId);
    return;
  }
  const seconds = Math.max(1, Math.ceil(slot.waitMs / 1000));
  throw new EnvoiError('RATE_LIMITED', `This scope already sent ${TEST_EMAIL_LIMIT.messages} test emails in the last minute`, {
    hint: `Try again in ${seconds} seconds. Test emails are limited to ${TEST_EMAIL_LIMIT.messages} a minute per scope; real mail is not.`,
    extra: { retryAfterSeconds: seconds },
  });
}

export interface TestEmailDeps {
  connections: ConnectionService;
  mailer: Mailer;
  outbox: Outbox;
  rateLimits: RateLimitStore;
}

/**
 * Sends a connection's test mail the way every mail goes (outbox, worker, provider) with a
 * single attempt, and reports what happened: `{ok, stage, …}`, or `queued` when no worker tried
 * it within a minute.
 */
export async function sendTestEmail(deps: TestEmailDeps, scope: string, connectionId: string, to: string, locale: Locale): Promise<Record<string, unknown> & { queued?: true }> {
  const conn = await deps.connections.get(scope, connectionId);
  await deps.mailer.preflight(conn);
  await takeTestEmailSlot(deps.rateLimits, scope);
  const message = buildTestEmail(conn, to, locale);
  const { delivery } = await deps.outbox.enqueue({ scope, connection: conn, action: 'test-email', mail: deps.mailer.envelopeFor(conn, message), maxAttempts: 1 });
  const d = (await deps.outbox.waitForAttempt(delivery.id, TEST_EMAIL_WAIT_MS))!;
  const common = { deliveryId: d.id, locale, subject: message.subject, messageId: d.messageId };
  const durationMs = Date.now() - Date.parse(d.createdAt);
  const captured = d.captured.length ? { captured: d.captured } : {};
  if (d.status === 'sent') {
    return { ok: true, stage: 'done', message: `The test email was accepted for ${(d.accepted ?? []).join(', ')}`, durationMs, accepted: d.accepted, rejected: d.rejected, response: d.response, ...captured, ...common };
  }
  if (d.status === 'captured') {
    // Sandbox mode (design.md "Sandbox"): test mails are captured like any other, and nothing was tried.
    return { ok: true, stage: 'done', status: d.status, message: `Sandbox mode: the test email was captured for ${d.captured.join(', ')} instead of being sent`, hint: 'Read it in the mailbox of this scope. The connection itself was not used; "Test" checks it.', durationMs, ...captured, ...common };
  }
  // `unknown`: the server may have taken it but never said so (the hint says to check the inbox).
  if ((d.status === 'failed' || d.status === 'unknown') && d.lastError) {
    const e = d.lastError;
    // The stage was recorded with the failure (a delivery from before stages were kept has none).
    return { ok: false, stage: e.stage ?? 'send', code: e.code, message: e.message, hint: e.hint, durationMs, ...(e.responseCode ? { responseCode: e.responseCode } : {}), ...(e.reply ? { reply: e.reply } : {}), ...(e.detail ? { detail: e.detail } : {}), ...common };
  }
  return { queued: true, ...common, status: d.status, message: 'The test email is queued but no delivery worker has tried it yet', hint: 'Check that a worker runs (npm start runs one; npm run worker runs more); the delivery log shows what happens next.' };
}
