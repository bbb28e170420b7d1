import crypto from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { HttpStandin, type Recorded, type Reply } from '../http-standin.js';
import { verifySigV4 } from './sigv4.js';

/**
 * A local stand-in for the Amazon SES v2 API (REST-JSON, https://docs.aws.amazon.com/ses/latest/APIReference-V2/):
 * GetAccount (GET /v2/email/account) and SendEmail (POST /v2/email/outbound-emails), each request's
 * SigV4 signature recomputed with the key's secret (./sigv4.ts), IAM actions checked per key
 * (ses:GetAccount; ses:SendRawEmail for raw content), verified identities and the sandbox enforced
 * as SES does, and errors answered in SES's shape: the status, header `x-amzn-ErrorType` and a
 * body `{"message": …}`.
 */
export interface SesKey {
  accessKeyId: string;
  secretAccessKey: string;
  /** IAM actions the key's user may call. */
  actions: string[];
  user: string;
}

export interface SesAccountState {
  sendingEnabled: boolean;
  productionAccess: boolean;
  enforcementStatus: 'HEALTHY' | 'PROBATION' | 'SHUTDOWN';
  quota: { max24HourSend: number; maxSendRate: number; sentLast24Hours: number };
  /** Verified identities: addresses and domains. */
  identities: string[];
  configurationSets: string[];
}

export interface SesSend {
  accessKeyId: string;
  from?: string;
  /** Where SES delivers: Destination's addresses when given, else the headers' (To, Cc, Bcc). */
  recipients: string[];
  destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  configurationSet?: string;
  raw: string;
  parsed: ParsedMail;
  messageId: string;
}

const ACCOUNT_ID = '123456789012';

export class SesStandIn {
  readonly keys: SesKey[] = [];
  readonly sends: SesSend[] = [];
  readonly account: SesAccountState = {
    sendingEnabled: true, productionAccess: true, enforcementStatus: 'HEALTHY',
    quota: { max24HourSend: 50_000, maxSendRate: 14, sentLast24Hours: 0 },
    identities: [], configurationSets: [],
  };
  /** Answers given to the next SendEmail requests (after their signature checked out), in order. */
  private readonly script: Reply[] = [];
  private readonly http = new HttpStandin((req) => this.handle(req));

  constructor(readonly region = 'eu-west-1') {}

  get url(): string {
    return this.http.url;
  }

  get requests(): Recorded[] {
    return this.http.requests;
  }

  /** Requests to a path. */
  to(path: string): Recorded[] {
    return this.http.to(path);
  }

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** A new IAM user's access key (AKIA…, 20 characters; a 40-character secret), allowed `actions`. */
  addKey(actions = ['ses:GetAccount', 'ses:SendRawEmail', 'ses:SendEmail']): SesKey {
    const k: SesKey = {
      accessKeyId: `AKIA${crypto.randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: crypto.randomBytes(30).toString('base64'),
      actions,
      user: `envoi-${this.keys.length}`,
    };
    this.keys.push(k);
    return k;
  }

  /** Scripts the answers of the next SendEmail requests. */
  queue(...replies: Reply[]): void {
    this.script.push(...replies);
  }

  /** SES's error answer: the status, `x-amzn-ErrorType` (type and namespace, as AWS sends it) and `{message}`. */
  static error(status: number, type: string, message: string, headers: Record<string, string> = {}): Reply {
    return {
      status,
      json: { message },
      headers: { 'x-amzn-ErrorType': `${type}:http://internal.amazon.com/coral/com.amazonaws.sesv2/`, 'x-amzn-RequestId': crypto.randomUUID(), ...headers },
    };
  }

  static throttled(retryAfter?: number): Reply {
    return SesStandIn.error(429, 'TooManyRequestsException', 'Maximum sending rate exceeded.', retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {});
  }

  private async handle(req: Recorded): Promise<Reply> {
    const auth = await verifySigV4(req, 'ses', this.region, (id) => this.keys.find((k) => k.accessKeyId === id)?.secretAccessKey);
    if (!auth.ok) return SesStandIn.error(auth.status, auth.type, auth.message);
    const key = this.keys.find((k) => k.accessKeyId === auth.accessKeyId)!;
    if (req.method === 'GET' && req.path === '/v2/email/account') {
      const denied = this.deny(key, 'ses:GetAccount', '*');
      if (denied) return denied;
      const a = this.account;
      return {
        status: 200,
        headers: { 'x-amzn-RequestId': crypto.randomUUID() },
        json: {
          DedicatedIpAutoWarmupEnabled: false,
          EnforcementStatus: a.enforcementStatus,
          ProductionAccessEnabled: a.productionAccess,
          SendQuota: { Max24HourSend: a.quota.max24HourSend, MaxSendRate: a.quota.maxSendRate, SentLast24Hours: a.quota.sentLast24Hours },
          SendingEnabled: a.sendingEnabled,
          SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
        },
      };
    }
    if (req.method === 'POST' && req.path === '/v2/email/outbound-emails') return this.sendEmail(req, key);
    return SesStandIn.error(404, 'UnknownOperationException', '');
  }

  private deny(key: SesKey, action: string, resource: string): Reply | undefined {
    if (key.actions.includes(action)) return undefined;
    return SesStandIn.error(403, 'AccessDeniedException', `User: arn:aws:iam::${ACCOUNT_ID}:user/${key.user} is not authorized to perform: ${action} on resource: ${resource}`);
  }

  private verified(address: string): boolean {
    const a = address.toLowerCase();
    return this.account.identities.some((i) => i.toLowerCase() === a || i.toLowerCase() === a.split('@')[1]);
  }

  private async sendEmail(req: Recorded, key: SesKey): Promise<Reply> {
    const body = req.json as { FromEmailAddress?: string; Destination?: SesSend['destination']; ConfigurationSetName?: string; Content?: { Raw?: { Data?: string } } } | undefined;
    const data = body?.Content?.Raw?.Data;
    if (typeof data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return SesStandIn.error(400, 'BadRequestException', 'Raw message data is missing or is not base64-encoded.');
    const raw = Buffer.from(data, 'base64').toString('utf8');
    const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, keepCidLinks: true });
    const from = body!.FromEmailAddress ?? parsed.from?.value[0]?.address ?? '';
    const denied = this.deny(key, 'ses:SendRawEmail', `arn:aws:ses:${this.region}:${ACCOUNT_ID}:identity/${from.split('@')[1] ?? from}`);
    if (denied) return denied;
    const scripted = this.script.shift();
    if (scripted) return scripted;
    const a = this.account;
    if (!a.sendingEnabled) return SesStandIn.error(400, 'SendingPausedException', 'Sending is paused for this account. For more information, please check your account status in the SES console.');
    const set = body!.ConfigurationSetName;
    if (set !== undefined && !a.configurationSets.includes(set)) return SesStandIn.error(404, 'NotFoundException', `Configuration set <${set}> does not exist.`);
    const d = body!.Destination;
    const headerRcpts = [parsed.to, parsed.cc, parsed.bcc].flatMap((f) => (Array.isArray(f) ? f : f ? [f] : [])).flatMap((f) => f.value.map((v) => v.address ?? ''));
    const recipients = d ? [...(d.ToAddresses ?? []), ...(d.CcAddresses ?? []), ...(d.BccAddresses ?? [])] : headerRcpts;
    if (recipients.length === 0) return SesStandIn.error(400, 'BadRequestException', 'Missing final \'@domain\'');
    // SES checks the sender's identity in the region, and in the sandbox every recipient's too.
    const unverified = [from, ...(a.productionAccess ? [] : recipients)].filter((r) => !this.verified(r));
    if (unverified.length) return SesStandIn.error(400, 'MessageRejected', `Email address is not verified. The following identities failed the check in region ${this.region.toUpperCase()}: ${unverified.join(', ')}`);
    const messageId = `0102019${crypto.randomBytes(5).toString('hex')}-${crypto.randomUUID()}-000000`;
    this.sends.push({ accessKeyId: key.accessKeyId, from, recipients, ...(d ? { destination: d } : {}), ...(set ? { configurationSet: set } : {}), raw, parsed, messageId });
    a.quota.sentLast24Hours += 1;
    return { status: 200, headers: { 'x-amzn-RequestId': crypto.randomUUID() }, json: { MessageId: messageId } };
  }
}
