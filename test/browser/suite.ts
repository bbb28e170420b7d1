import type { Browser } from 'playwright-core';
import { TestEnvoi } from '../support/harness.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { launchBrowser } from './support.js';

export interface BrowserSuite {
  browser: Browser;
  envoi: TestEnvoi;
  /** An SMTP sink without TLS, with `sink: true`. */
  sink: SmtpSink;
}

/**
 * The set-up most admin-page test files share, registered as the file's hooks: one Chromium, one
 * Envoi server (started with `envoi`), an SMTP sink when asked, then `setUp` (connections and
 * such); all closed after the file. The fields are set once the `before` hook ran.
 */
export function browserSuite(opts: { envoi?: ConstructorParameters<typeof TestEnvoi>[0]; sink?: boolean; setUp?: (s: BrowserSuite) => Promise<void> } = {}): BrowserSuite {
  const s = {} as BrowserSuite;
  before(async function () {
    s.browser = await launchBrowser(this);
    s.envoi = await new TestEnvoi(opts.envoi).start();
    if (opts.sink) s.sink = await new SmtpSink({ tls: 'none' }).start();
    await opts.setUp?.(s);
  });
  after(async () => {
    await s.browser?.close();
    await s.sink?.close();
    await s.envoi?.stop();
  });
  return s;
}
