import type Mail from 'nodemailer/lib/mailer';
import type { StoredConnection } from './store/connections.js';
import type { Locale } from './locales.js';

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
