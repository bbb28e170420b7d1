/**
 * What a provider is (design.md "Providers"): one object per folder under connector/providers/,
 * listed in ./registry.ts. The connection rules, the secret sealing and the mailer ask it for
 * everything that differs between providers; none of them compares provider names.
 */
import type { Config } from '../config.js';
import type { Warning } from '../connection-warnings.js';
import type { ResolvedConnection } from '../connections.js';
import type { Logger } from '../log.js';
import type { WarningTexts } from '../i18n/warning-texts.js';
import type { LookupAll, NetworkPolicy } from '../network-policy.js';
import type { Preset } from '../presets.js';
import type { ConnectionSettings, SecretField, StoredConnection } from '../store/connections.js';
import type { ProviderInbound } from './inbound.js';
import type { SendInfo, StageListener, TestResult } from './results.js';
import type { SendControl } from './send-control.js';

export type ProviderKey = StoredConnection['provider'];

/** The message a send takes: the outbox's MIME text and its envelope. */
export interface RawMessage {
  envelope: { from: string; to: string[] };
  raw: string;
  control?: SendControl | undefined;
  /** The delivery it belongs to (an SMTP connection with a bounce address names it in a VERP sender). */
  deliveryId?: string | undefined;
}

/** What a provider's sending side may use: the operator's settings, the network policy, a logger. */
export interface ProviderRuntime {
  config: Pick<Config, 'smtpTimeouts' | 'msAuthorityUrl' | 'msGraphUrl' | 'googleTokenUrl' | 'gmailApiUrl' | 'sesUrl' | 'sendgridUrl' | 'mailgunUrl' | 'postmarkUrl' | 'resendUrl'>;
  policy: NetworkPolicy;
  lookup?: LookupAll | undefined;
  logger: Logger;
}

/** A provider's sending side, made once per process (it may hold pools and token caches). */
export interface ProviderDriver {
  /** Refuses, before a message is queued, what would refuse it for certain at send time. */
  preflight(conn: StoredConnection): Promise<void>;
  /** Tests the connection, telling `onStage` each stage as it starts. */
  test(conn: ResolvedConnection, onStage?: StageListener): Promise<TestResult>;
  /** Sends the outbox's MIME with its envelope; throws SendFailure or SendReleased. */
  send(conn: ResolvedConnection, message: RawMessage): Promise<SendInfo>;
  /** Forgets what is cached for a connection that changed or was deleted. */
  evict(connectionId: string): void;
  close(): void;
}

/** What normalizing a provider's settings needs: the network policy and who asks. */
export interface NormalizeContext {
  policy: NetworkPolicy;
  lookup?: LookupAll | undefined;
  dnsTimeoutMs?: number | undefined;
  /** The connection being saved or tested (scope and id), for the policy's exceptions. */
  owner: { scope: string; id: string };
}

/** A provider's write-only secret, as SECRET_REQUIRED and the admin page name it. */
export interface SecretSpec {
  field: SecretField;
  name: string;
  reuseRule: string;
  whyRequired: string;
}

/**
 * A secret besides the main one (a webhook signing key, a bounce mailbox's password): optional
 * unless `required`, sealed on its own with its own binding (see connection-extra-secrets.ts).
 */
export interface ExtraSecret {
  /** The field it is sealed under (write-only in the schema; a nested one is named by its path joined). */
  field: SecretField;
  /** Where it sits in a connection object: ['webhookSigningKey'], or ['bounceMailbox', 'password']. */
  path: readonly string[];
  /** How a person calls it (SECRET_REQUIRED names it). */
  name: string;
  /** Whether these settings use it at all (a stored one they no longer use is deleted). */
  applies(s: ConnectionSettings): boolean;
  /** Whether these settings cannot work without it. */
  required(s: ConnectionSettings): boolean;
  /** The settings it is bound to: it is reused only while these stay the same. */
  binding(s: ConnectionSettings): Array<[string, string]>;
}

export interface Provider {
  readonly key: ProviderKey;
  /** The provider's own settings (besides sender, reply-to, rate limit and pool). */
  readonly fields: readonly string[];
  /**
   * The write-only secret these settings use (one at a time: SMTP takes a password, or a client
   * secret with XOAUTH2), how a person calls it, and the rule for reusing a stored one.
   */
  secret(s: ConnectionSettings): SecretSpec;
  /** Secrets besides the main one, each optional unless it says otherwise. */
  readonly extraSecrets?: readonly ExtraSecret[];
  /** Labels of the bound settings, as SECRET_REQUIRED names them. */
  readonly labels: Readonly<Record<string, string>>;
  /** Settings a new connection starts with when the input leaves them out (editable later). */
  readonly createDefaults?: Readonly<Partial<ConnectionSettings>>;
  /** Whether Bcc recipients stay in the MIME headers (an API that reads recipients from them). */
  readonly keepsBcc: boolean;
  /** Whether a DKIM signature made by Envoi applies (not when the provider signs itself). */
  readonly signsWithEnvoiDkim: boolean;
  /** Header fields the provider rewrites, so Envoi's DKIM signature leaves them out. */
  readonly dkimSkipHeaders?: readonly string[];
  /**
   * The SPF include the provider's documentation asks senders to publish (the domain check looks
   * for it); `subdomain` when it belongs on the provider's return-path subdomain of the sender's domain.
   */
  readonly spfInclude?: { include: string; subdomain?: string };
  /** DKIM selectors the provider signs with under the sender's domain, where they are fixed names. */
  readonly dkimSelectors?: readonly string[];
  readonly presets: readonly Preset[];
  /** Applies defaults to the provider's picked settings and checks them (and the network policy). */
  normalize(picked: Partial<ConnectionSettings>, ctx: NormalizeContext): Promise<{ settings: Partial<ConnectionSettings>; warnings: Warning[] }>;
  /** Whether this configuration needs the secret at all. */
  needsSecret(s: ConnectionSettings): boolean;
  /**
   * The secret as given (it passed the schema) turned into the text that is sealed, checked on
   * save and test (throws VALIDATION_FAILED, never repeating the value). Without it the secret is
   * a string and sealed as is. Google's service account key may come as a JSON object.
   */
  readSecret?(given: unknown): string;
  /** The settings a stored secret is bound to (design.md "Safety rules"), in a fixed order. */
  binding(s: ConnectionSettings): Array<[string, string]>;
  /** The binding of secrets sealed by older versions (after `key|`). */
  legacyBinding(s: ConnectionSettings): string;
  /** Static warnings: the configuration saves, but probably does not do what the admin wants. */
  warnings(s: ConnectionSettings): Warning[];
  /**
   * The English of every warning it gives (on save, or from its connection test), by key; the
   * other languages sit in its folder's settings.i18n.json (a test checks every key has them).
   */
  readonly warningTexts?: WarningTexts;
  /** Vets a stored connection again before its secrets are opened (a row saved under looser rules). */
  vetStored?(c: StoredConnection, policy: NetworkPolicy): void;
  /** Makes the sending side. */
  connect(runtime: ProviderRuntime): ProviderDriver;
  /** Reads the events the provider posts to `POST /hooks/v1/:connectionId`, after verifying them. */
  readonly inbound?: ProviderInbound;
}
