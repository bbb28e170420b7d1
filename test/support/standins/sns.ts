import crypto from 'node:crypto';
import { testPki } from '../certs.js';
import { HttpStandin, type Recorded, type Reply } from '../http-standin.js';
import type { SignedPost } from '../signed-post.js';

/**
 * A local stand-in for Amazon SNS delivering to an HTTP endpoint, after the SNS documentation
 * ("Verifying the signatures of Amazon SNS messages", "HTTP/HTTPS notification JSON format"):
 * messages posted as text/plain JSON with x-amz-sns-* headers, signed with RSA (SignatureVersion
 * 1: SHA1, 2: SHA256) over `name\nvalue\n` of the type's fields; the signing certificate served
 * at SigningCertURL; a SubscriptionConfirmation whose SubscribeURL confirms when fetched.
 */
export class SnsStandin extends HttpStandin {
  readonly topicArn = 'arn:aws:sns:eu-west-1:123456789012:ses-events';
  readonly confirmed: string[] = [];
  private readonly pki = testPki();

  constructor() {
    super((req) => this.route(req));
  }

  get certUrl(): string {
    return `${this.url}/SimpleNotificationService-test.pem`;
  }

  /** Requests for the certificate, so a test can tell it was never fetched. */
  certFetches(): Recorded[] {
    return this.requests.filter((r) => r.path.endsWith('.pem'));
  }

  private route(req: Recorded): Reply {
    if (req.method === 'GET' && req.path === '/SimpleNotificationService-test.pem') return { status: 200, text: this.pki.serverCert, headers: { 'content-type': 'application/x-x509-ca-cert' } };
    if (req.method === 'GET' && req.path === '/') {
      this.confirmed.push(req.query.get('Token') ?? '');
      return { status: 200, text: `<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>${this.topicArn}:sub</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>`, headers: { 'content-type': 'text/xml' } };
    }
    return { status: 404, text: 'Not Found' };
  }

  private sign(url: string, m: Record<string, string>, version: '1' | '2', certUrl: string): SignedPost {
    const keys = m.Type === 'Notification' ? ['Message', 'MessageId', ...('Subject' in m ? ['Subject'] : []), 'Timestamp', 'TopicArn', 'Type'] : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
    const text = keys.map((k) => `${k}\n${m[k]}\n`).join('');
    const Signature = crypto.sign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256', Buffer.from(text), this.pki.serverKey).toString('base64');
    const body = JSON.stringify({ ...m, SignatureVersion: version, Signature, SigningCertURL: certUrl });
    return { url, body, headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': m.Type!, 'x-amz-sns-message-id': m.MessageId!, 'x-amz-sns-topic-arn': this.topicArn, 'user-agent': 'Amazon Simple Notification Service Agent' } };
  }

  /** A Notification carrying an SES event (its Message is the event's JSON). */
  notification(url: string, sesEvent: object, opts: { version?: '1' | '2'; certUrl?: string } = {}): SignedPost {
    const m = { Type: 'Notification', MessageId: crypto.randomUUID(), TopicArn: this.topicArn, Message: JSON.stringify(sesEvent), Timestamp: new Date().toISOString() };
    return this.sign(url, m, opts.version ?? '1', opts.certUrl ?? this.certUrl);
  }

  /** The SubscriptionConfirmation SNS posts when the endpoint is subscribed. */
  subscriptionConfirmation(url: string, opts: { subscribeUrl?: string } = {}): SignedPost {
    const Token = crypto.randomBytes(32).toString('hex');
    const SubscribeURL = opts.subscribeUrl ?? `${this.url}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(this.topicArn)}&Token=${Token}`;
    const m = { Type: 'SubscriptionConfirmation', MessageId: crypto.randomUUID(), Token, TopicArn: this.topicArn, Message: `You have chosen to subscribe to the topic ${this.topicArn}.`, SubscribeURL, Timestamp: new Date().toISOString() };
    return this.sign(url, m, '2', this.certUrl);
  }
}
