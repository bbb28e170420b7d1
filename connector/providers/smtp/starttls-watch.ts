/**
 * nodemailer options that let a connection test see the moment its client asks for STARTTLS
 * (RFC 3207 §4), where the test's `tls` stage starts: SMTPConnection's documented `logger` option
 * (bunyan's shape) with its transaction log on. Only the client's `STARTTLS` line is read; every
 * other entry (the server's replies, AUTH lines, which nodemailer masks anyway) is dropped unread.
 */
export function startTlsWatch(onStartTls: () => void): { logger: Record<string, (...args: unknown[]) => void>; transactionLog: true } {
  const drop = () => {};
  const debug = (entry: unknown, message: unknown) => {
    if ((entry as { tnx?: string } | undefined)?.tnx === 'client' && message === 'STARTTLS') onStartTls();
  };
  return { logger: { trace: drop, debug, info: drop, warn: drop, error: drop, fatal: drop }, transactionLog: true };
}
