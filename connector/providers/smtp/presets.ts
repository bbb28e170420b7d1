import { EXCHANGE_ONLINE_SUGGESTED_LIMIT } from '../microsoft-identity/exchange-limits.js';
import type { Preset } from '../../presets.js';

/** Starting points for SMTP connections: well-known services and what admins trip over. */
export const SMTP_PRESETS: readonly Preset[] = Object.freeze([
  {
    id: 'gmail',
    label: 'Gmail / Google Workspace',
    provider: 'smtp',
    settings: { host: 'smtp.gmail.com', port: 587, secure: false, authMethod: 'PLAIN', userSameAsSender: true },
    note: 'Sign in with the full Gmail address and an app password (Google Account → Security → 2-Step Verification → App passwords); the normal password is refused. The sender must be the account or one of its verified aliases.',
    suggestedRateLimit: { messages: 500, perSeconds: 86400, reason: 'Gmail allows about 500 recipients a day (2,000 for Google Workspace).' },
  },
  {
    id: 'outlook-smtp',
    label: 'Outlook / Office 365 (SMTP)',
    provider: 'smtp',
    settings: { host: 'smtp.office365.com', port: 587, secure: false, authMethod: 'LOGIN', userSameAsSender: true },
    note: 'SMTP AUTH must be enabled for the mailbox in the Microsoft 365 admin center, and accounts with MFA need an app password. Microsoft switches SMTP basic authentication (passwords) off by default at the end of December 2026 (MC786329): prefer the Exchange Online (SMTP, OAuth) or Microsoft 365 (Graph) preset.',
    suggestedRateLimit: EXCHANGE_ONLINE_SUGGESTED_LIMIT,
  },
  {
    id: 'exchange-online-oauth',
    label: 'Exchange Online (SMTP, OAuth)',
    provider: 'smtp',
    settings: { host: 'smtp.office365.com', port: 587, secure: false, authMethod: 'XOAUTH2', userSameAsSender: true },
    note: 'Register an app in Microsoft Entra ID, add the API permission Office 365 Exchange Online → SMTP.SendAsApp (application), grant admin consent and create a client secret. Then, in Exchange Online PowerShell, register the app\'s service principal (New-ServicePrincipal -AppId <client id> -ObjectId <enterprise application object id>) and give it the mailbox (Add-MailboxPermission -Identity <mailbox> -User <service principal id> -AccessRights FullAccess). SMTP AUTH must be enabled for the mailbox.',
    suggestedRateLimit: EXCHANGE_ONLINE_SUGGESTED_LIMIT,
  },
  {
    id: 'sendgrid',
    label: 'SendGrid',
    provider: 'smtp',
    settings: { host: 'smtp.sendgrid.net', port: 587, secure: false, authMethod: 'PLAIN', user: 'apikey' },
    note: 'The user name is literally "apikey" and the password is a SendGrid API key with Mail Send permission. The sender must be a verified sender or domain.',
  },
  {
    id: 'mailgun',
    label: 'Mailgun',
    provider: 'smtp',
    settings: { host: 'smtp.mailgun.org', port: 587, secure: false, authMethod: 'PLAIN' },
    note: 'Use the SMTP credentials of your sending domain (Sending → Domain settings → SMTP credentials). For an EU domain the host is smtp.eu.mailgun.org.',
  },
  {
    id: 'amazon-ses',
    label: 'Amazon SES',
    provider: 'smtp',
    settings: { host: 'email-smtp.us-east-1.amazonaws.com', port: 587, secure: false, authMethod: 'PLAIN' },
    note: 'Replace us-east-1 with your SES region. Use SMTP credentials created in the SES console (not your AWS access keys). New accounts are in the sandbox and can only send to verified addresses.',
    suggestedRateLimit: { messages: 1, perSeconds: 1, reason: 'SES sandbox accounts may send one message per second.' },
  },
  {
    id: 'brevo',
    label: 'Brevo (Sendinblue)',
    provider: 'smtp',
    settings: { host: 'smtp-relay.brevo.com', port: 587, secure: false, authMethod: 'LOGIN' },
    note: 'The user name is the SMTP login shown under SMTP & API (an address at smtp-brevo.com), and the password is an SMTP key, not your account password.',
  },
  {
    id: 'postmark',
    label: 'Postmark',
    provider: 'smtp',
    settings: { host: 'smtp.postmarkapp.com', port: 587, secure: false, authMethod: 'PLAIN' },
    note: 'Use a Server API token as both the user name and the password. The sender must be a confirmed sender signature or domain.',
  },
  {
    id: 'custom-smtp',
    label: 'Other SMTP server',
    provider: 'smtp',
    settings: { port: 587, secure: false, authMethod: 'PLAIN' },
    note: 'Port 587 with Secure off uses STARTTLS; port 465 needs Secure on. Port 25 is usually for server-to-server relay without login.',
  },
] satisfies Preset[]);
