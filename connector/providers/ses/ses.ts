/**
 * Amazon SES through its v2 API with the official SDK (@aws-sdk/client-sesv2), which signs each
 * request with SigV4 and reads SES's REST-JSON errors into typed exceptions. The SDK's own retries
 * are off (maxAttempts 1): the outbox decides when a mail is tried again (design.md "Delivery").
 * One client per connection and credential, made on first use and dropped on evict.
 */
import crypto from 'node:crypto';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Config } from '../../config.js';
import type { ResolvedConnection } from '../../connections.js';
import type { Logger } from '../../log.js';
import type { RawMessage } from '../provider.js';
import { SendFailure, type SendInfo, type TestResult } from '../results.js';
import { SendReleased } from '../send-control.js';
import { classifySesError } from './classify-ses.js';
import { accountVerdict } from './account.js';

/** Long enough for a 40 MB message (SES v2's limit) on a slow uplink; then the outcome is unknown. */
const REQUEST_TIMEOUT_MS = 60_000;
const CONNECT_TIMEOUT_MS = 10_000;

// The SDK is loaded with the first SES connection used: 8 MB of every process's memory otherwise.
let sdk: Promise<typeof import('@aws-sdk/client-sesv2')> | undefined;
const loadSdk = () => (sdk ??= import('@aws-sdk/client-sesv2'));

export interface SesOptions {
  config: Pick<Config, 'sesUrl'>;
  logger: Logger;
}

export class SesProvider {
  private readonly clients = new Map<string, { fingerprint: string; client: SESv2Client }>();
  constructor(private readonly opts: SesOptions) {}

  /** The SES endpoint: the operator's ENVOI_SES_URL, else the region's public one. */
  endpoint(region: string): string {
    return this.opts.config.sesUrl ?? `https://email.${region}.amazonaws.com`;
  }

  private async client(conn: ResolvedConnection): Promise<SESv2Client> {
    const { SESv2Client } = await loadSdk();
    const region = conn.settings.region ?? '';
    const accessKeyId = conn.settings.accessKeyId ?? '';
    const secretAccessKey = conn.secrets.secretAccessKey ?? '';
    const secretHash = crypto.createHash('sha256').update(secretAccessKey).digest('hex').slice(0, 16);
    const fingerprint = `${region}|${accessKeyId}|${secretHash}`;
    const cached = this.clients.get(conn.id);
    if (cached?.fingerprint === fingerprint) return cached.client;
    cached?.client.destroy();
    const client = new SESv2Client({
      region,
      endpoint: this.endpoint(region),
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
      // Without throwOnRequestTimeout the SDK only logs a request past its timeout and keeps waiting.
      requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: CONNECT_TIMEOUT_MS, throwOnRequestTimeout: true },
    });
    this.clients.set(conn.id, { fingerprint, client });
    return client;
  }

  /**
   * Sends the outbox's MIME as is (Content.Raw). Destination and FromEmailAddress are the envelope
   * (SES v2 SendEmail: with raw content they are optional and, when given, used instead of the
   * headers), so Bcc recipients get the mail without a Bcc header.
   */
  async send(conn: ResolvedConnection, message: RawMessage): Promise<SendInfo> {
    const { control } = message;
    if (control?.release.aborted) throw new SendReleased('before-data');
    const region = conn.settings.region ?? '';
    const { SendEmailCommand } = await loadSdk();
    const command = new SendEmailCommand({
      FromEmailAddress: message.envelope.from,
      Destination: { ToAddresses: message.envelope.to },
      Content: { Raw: { Data: Buffer.from(message.raw, 'utf8') } },
      ...(conn.settings.configurationSet ? { ConfigurationSetName: conn.settings.configurationSet } : {}),
    });
    let messageId: string | undefined;
    let status: number | undefined;
    try {
      // A send under way gets the grace period; past it the request is cut and its outcome is unknown.
      const out = await (await this.client(conn)).send(command, control ? { abortSignal: control.deadline } : {});
      messageId = out.MessageId;
      status = out.$metadata.httpStatusCode;
    } catch (err) {
      const f = classifySesError(err, 'send', region, [conn.secrets.secretAccessKey ?? '']);
      this.opts.logger.warn('ses send failed', { deliveryId: message.deliveryId, connectionId: conn.id, status: f.responseCode, code: f.code });
      throw new SendFailure(f);
    }
    return {
      messageId: '',
      accepted: message.envelope.to,
      rejected: [],
      deferred: [],
      responseCode: status ?? 200,
      response: `${status ?? 200} Accepted by Amazon SES${messageId ? ` (MessageId ${messageId})` : ''}`,
      ...(messageId ? { providerMessageId: messageId } : {}),
    };
  }

  /** Tests the connection: GetAccount proves the key and secret, and says whether the account may send. */
  async test(conn: ResolvedConnection): Promise<TestResult> {
    const started = Date.now();
    const region = conn.settings.region ?? '';
    try {
      const { GetAccountCommand } = await loadSdk();
      const account = await (await this.client(conn)).send(new GetAccountCommand({}));
      return { ...accountVerdict(conn, account), durationMs: Date.now() - started };
    } catch (err) {
      const f = classifySesError(err, 'auth', region, [conn.secrets.secretAccessKey ?? '']);
      return {
        ok: false, stage: f.stage, code: f.code, message: f.message, hint: f.hint, durationMs: Date.now() - started,
        ...(f.responseCode ? { responseCode: f.responseCode } : {}), ...(f.reply ? { reply: f.reply } : {}),
      };
    }
  }

  /** Forgets a connection's client (it changed or was deleted); without an id, every client. */
  evict(connectionId?: string): void {
    for (const [id, c] of this.clients) {
      if (connectionId !== undefined && id !== connectionId) continue;
      c.client.destroy();
      this.clients.delete(id);
    }
  }

  /** Drops every client (the worker stops). */
  close(): void {
    this.evict();
  }
}
