/**
 * What SES's GetAccount answer (GET /v2/email/account) means for a connection test: sending
 * enabled or paused, still in the sandbox or not, and the send quota (design.md "Providers").
 */
import type { GetAccountCommandOutput } from '@aws-sdk/client-sesv2';
import type { ResolvedConnection } from '../../connections.js';
import type { TestResult } from '../results.js';
import { sesHints } from './classify-ses.js';

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
    warnings.push({
      code: 'SES_SANDBOX',
      message: `This Amazon SES account is in the sandbox in ${region}: only verified addresses and domains get mail, at most ${q.Max24HourSend ?? 200} messages a day and ${q.MaxSendRate ?? 1} a second.`,
      hint: `In the Amazon SES console (${region}), Account dashboard → Request production access; until then, verify each recipient under Configuration → Identities.`,
    });
  }
  if (a.EnforcementStatus === 'PROBATION') {
    warnings.push({
      code: 'SES_PROBATION',
      message: 'Amazon SES has put this account on probation (its bounce or complaint rate is too high): sending may be paused if it does not improve.',
      hint: `In the Amazon SES console (${region}), Reputation metrics: see what SES found and clean the recipient lists.`,
    });
  }
  const limit = conn.settings.rateLimit;
  if (limit && q.MaxSendRate !== undefined && limit.messages / limit.perSeconds > q.MaxSendRate) {
    warnings.push({
      code: 'SES_RATE_ABOVE_QUOTA',
      message: `This connection's rate limit (${limit.messages} per ${limit.perSeconds} s) is above SES's maximum send rate for the account (${q.MaxSendRate} a second): SES will throttle the excess.`,
      hint: `Lower the connection's rate limit to ${q.MaxSendRate} messages per second, or request a higher sending rate in the Amazon SES console.`,
    });
  }
  return {
    ok: true, stage: 'done', details,
    message: `Signed in to Amazon SES (${region}) with access key ${conn.settings.accessKeyId}; sending is enabled${details.sandbox ? ' (sandbox)' : ''}: ${q.SentLast24Hours ?? 0} of ${q.Max24HourSend ?? '?'} messages sent in the last 24 hours, up to ${q.MaxSendRate ?? '?'} a second.`,
    ...(warnings.length ? { warnings } : {}),
  };
}
