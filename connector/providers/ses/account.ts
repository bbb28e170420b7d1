/**
 * What SES's GetAccount answer (GET /v2/email/account) means for a connection test: sending
 * enabled or paused, still in the sandbox or not, and the send quota (design.md "Providers").
 */
import type { GetAccountCommandOutput } from '@aws-sdk/client-sesv2';
import type { ResolvedConnection } from '../../connections.js';
import type { TestResult } from '../results.js';
import { warning } from '../../i18n/warning-texts.js';
import { sesHints } from './classify-ses.js';
import { SES_WARNINGS } from './warnings.js';

type Warning = NonNullable<TestResult['warnings']>[number];

/** The test's verdict on an account that answered. */
export function accountVerdict(conn: ResolvedConnection, a: GetAccountCommandOutput): Omit<TestResult, 'durationMs'> {
  const region = conn.settings.region ?? '';
  const q = a.SendQuota ?? {};
  const details = {
    sandbox: a.ProductionAccessEnabled !== true,
    quota: { max24HourSend: q.Max24HourSend, maxSendRate: q.MaxSendRate, sentLast24Hours: q.SentLast24Hours },
    ...(a.EnforcementStatus ? { enforcementStatus: a.EnforcementStatus } : {}),
  };
  if (a.SendingEnabled !== true) {
    // The key works, but nothing sent through this account goes out until AWS resumes it.
    return {
      ok: false, stage: 'send', code: 'PERMISSION_MISSING', details,
      message: `Signed in to Amazon SES (${region}) with access key ${conn.settings.accessKeyId}, but sending is paused for this account${a.EnforcementStatus ? ` (enforcement status ${a.EnforcementStatus})` : ''}`,
      hint: sesHints(region).paused,
    };
  }
  const warnings: Warning[] = [];
  if (details.sandbox) {
    warnings.push(warning(SES_WARNINGS, 'SES_SANDBOX', { region, perDay: q.Max24HourSend ?? 200, perSecond: q.MaxSendRate ?? 1 }));
  }
  if (a.EnforcementStatus === 'PROBATION') {
    warnings.push(warning(SES_WARNINGS, 'SES_PROBATION', { region }));
  }
  const limit = conn.settings.rateLimit;
  if (limit && q.MaxSendRate !== undefined && limit.messages / limit.perSeconds > q.MaxSendRate) {
    warnings.push(warning(SES_WARNINGS, 'SES_RATE_ABOVE_QUOTA', { messages: limit.messages, perSeconds: limit.perSeconds, maxRate: q.MaxSendRate }));
  }
  return {
    ok: true, stage: 'done', details,
    message: `Signed in to Amazon SES (${region}) with access key ${conn.settings.accessKeyId}; sending is enabled${details.sandbox ? ' (sandbox)' : ''}: ${q.SentLast24Hours ?? 0} of ${q.Max24HourSend ?? '?'} messages sent in the last 24 hours, up to ${q.MaxSendRate ?? '?'} a second.`,
    ...(warnings.length ? { warnings } : {}),
  };
}
