import { expect } from 'chai';
import { gaxios, JWT } from 'google-auth-library';
import { GoogleStandIn, type ServiceAccount } from '../../../support/standins/google.js';

/**
 * Google's own client library (google-auth-library's JWT client, which signs the assertion with
 * its own code) against the stand-in: it must be accepted, and refused in Google's words, exactly
 * as Google would. The library names Google's hosts; a transporter sends those requests to the
 * stand-in on 127.0.0.1 instead (and refuses any other host), so nothing leaves this machine.
 */
describe('providers/google: the stand-in speaks Google\'s wire format (google-auth-library)', () => {
  const TOKEN_URL = 'https://oauth2.googleapis.com/token';
  let google: GoogleStandIn;
  let transporter: gaxios.Gaxios;

  before(async () => {
    google = await new GoogleStandIn({ audience: TOKEN_URL }).start();
    google.users.add('ops@contoso.test');
    transporter = new gaxios.Gaxios();
    transporter.interceptors.request.add({
      resolved: async (config) => {
        const u = new URL(String(config.url));
        if (u.host !== 'oauth2.googleapis.com' && u.host !== 'gmail.googleapis.com') throw new Error(`refused: ${u.host}`);
        config.url = new URL(`${google.url}${u.pathname}${u.search}`);
        return config;
      },
    });
  });
  after(() => google.close());

  const client = (a: ServiceAccount, subject = 'ops@contoso.test', key = a.key.private_key) =>
    new JWT({ email: a.clientEmail, key, scopes: ['https://www.googleapis.com/auth/gmail.send'], subject, transporter });

  it('issues a token to a delegated service account, and Gmail sends with it', async () => {
    const a = google.addServiceAccount();
    const jwt = client(a);
    const { token } = await jwt.getAccessToken();
    expect(token).to.match(/^ya29\./);
    expect(google.assertions.at(-1)).to.deep.include({ iss: a.clientEmail, sub: 'ops@contoso.test', aud: TOKEN_URL, scope: 'https://www.googleapis.com/auth/gmail.send' });
    const raw = Buffer.from('From: ops@contoso.test\r\nTo: ann@customer.test\r\nSubject: hi\r\n\r\nhello\r\n').toString('base64url');
    const res = await jwt.request<{ id: string; labelIds: string[] }>({ url: 'https://gmail.googleapis.com/gmail/v1/users/me/messages/send', method: 'POST', data: { raw } });
    expect(res.data.labelIds).to.deep.equal(['SENT']);
    const sent = google.sends.at(-1)!;
    expect(sent).to.include({ user: 'ops@contoso.test', id: res.data.id, via: 'json' });
    expect(sent.parsed.subject).to.equal('hi');
  });

  it('refuses a wrong key, a missing delegation and an unknown user the way Google does', async () => {
    const a = google.addServiceAccount();
    const other = google.addServiceAccount();
    const wrong = client(a, 'ops@contoso.test', other.key.private_key);
    await expectRejected(wrong, 400, 'invalid_grant: Invalid JWT Signature.');
    const undelegated = google.addServiceAccount({ delegated: false });
    await expectRejected(client(undelegated), 401, 'unauthorized_client: Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.');
    await expectRejected(client(a, 'nobody@contoso.test'), 400, 'invalid_grant: Invalid email or User ID');
  });

  async function expectRejected(jwt: JWT, status: number, message: string): Promise<void> {
    try {
      await jwt.getAccessToken();
    } catch (err) {
      const e = err as Error & { status?: number; response?: { status: number } };
      expect(e.message).to.equal(message);
      expect(e.response?.status ?? e.status).to.equal(status);
      return;
    }
    throw new Error('the token was issued');
  }
});
