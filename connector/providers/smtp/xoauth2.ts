import XOAuth2, { type XOAuth2ProvisionCallback } from 'nodemailer/lib/xoauth2';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import type { ResolvedConnection } from '../../connections.js';
import { failure, type Failure } from '../../failures.js';
import { MsTokenClient, type AppCredentials, type AppToken } from '../microsoft-identity/token-client.js';

/**
 * Exchange Online SMTP with OAuth (Microsoft Learn, "Authenticate an IMAP, POP or SMTP connection
 * using OAuth"): an app-only token for the resource https://outlook.office365.com from the
 * client-credentials grant, presented with SASL XOAUTH2 as the mailbox. nodemailer builds the
 * XOAUTH2 string and asks for tokens through its provisionCallback.
 */

const OUTLOOK_SCOPE = 'https://outlook.office365.com/.default';

/** What Exchange Online needs before it accepts an app's token for a mailbox, as a hint. */
export const EXCHANGE_APP_STEPS =
  'The token was issued, so the app signs in; Exchange Online refused it for this mailbox. In Microsoft Entra, give the app the API permission Office 365 Exchange Online → SMTP.SendAsApp (application) and grant admin consent. In Exchange Online PowerShell, register the app\'s service principal (New-ServicePrincipal -AppId <client id> -ObjectId <enterprise application object id>) and give it the mailbox (Add-MailboxPermission -Identity <mailbox> -User <service principal id> -AccessRights FullAccess; SendAs for another sender). SMTP AUTH must be enabled for the mailbox. Changes can take 30 minutes to apply.';

export const isXoauth2 = (conn: Pick<ResolvedConnection, 'settings'>): boolean => conn.settings.authMethod === 'XOAUTH2';

/** The Entra app a connection signs in as. */
function appOf(conn: ResolvedConnection): AppCredentials {
  return { tenantId: conn.settings.tenantId ?? '', clientId: conn.settings.clientId ?? '', clientSecret: conn.secrets.clientSecret ?? '' };
}

/** Tokens for Exchange Online's SMTP, cached per tenant, client and secret (one per process). */
export class SmtpOAuth {
  private readonly tokens: MsTokenClient;
  constructor(config: Pick<Config, 'msAuthorityUrl'>, logger?: Logger) {
    this.tokens = new MsTokenClient({ authorityUrl: config.msAuthorityUrl, scope: OUTLOOK_SCOPE, logger });
  }

  /** A token for the connection's app; throws SendFailure (OAUTH_FAILED with the AADSTS hint, THROTTLED). */
  token(conn: ResolvedConnection, forceRefresh = false, deliveryId?: string): Promise<AppToken> {
    return this.tokens.token(appOf(conn), forceRefresh, deliveryId ? { deliveryId } : {});
  }

  /**
   * nodemailer's provisionCallback for a pooled transport: each pooled connection asks when it
   * authenticates; `expires` makes it ask again before the cache would refresh the token.
   */
  provision(conn: ResolvedConnection): XOAuth2ProvisionCallback {
    return (_user, renew, callback) => {
      this.token(conn, renew).then((t) => callback(null, t.accessToken, t.refreshAt), (err: Error) => callback(err));
    };
  }

  /** Authenticates an open SMTPConnection with AUTH XOAUTH2 as `user` with a fresh token. */
  async login(connection: SMTPConnection, conn: ResolvedConnection, user: string): Promise<void> {
    const token = await this.token(conn, true);
    const oauth2 = new XOAuth2({ user, accessToken: token.accessToken, expires: token.expiresAt });
    await new Promise<void>((resolve, reject) => {
      connection.login({ user, method: 'XOAUTH2', oauth2 }, (err) => (err ? reject(err) : resolve()));
    });
  }

  clear(): void {
    this.tokens.clear();
  }
}

/**
 * A refused AUTH XOAUTH2 with a token just issued: the app signed in, so the Exchange side is
 * missing (permission, service principal, mailbox rights). A 4xx stays the classifier's own.
 */
export function exchangeAuthFailure(f: Failure, where: string, user: string): Failure {
  if (f.code !== 'AUTH_FAILED' || f.transient) return f;
  return failure('AUTH_FAILED', `${where} refused the app's token for ${user} (AUTH XOAUTH2)${f.reply ? `: ${f.reply}` : ''}`, {
    hint: EXCHANGE_APP_STEPS,
    ...(f.responseCode ? { responseCode: f.responseCode } : {}),
    ...(f.reply ? { reply: f.reply } : {}),
  });
}
