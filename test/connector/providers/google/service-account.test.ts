import crypto from 'node:crypto';
import { expect } from 'chai';
import { EnvoiError } from '../../../../connector/errors.js';
import { parseServiceAccountKey, serviceAccountKeyText } from '../../../../connector/providers/google/service-account.js';

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const KEY = { type: 'service_account', project_id: 'p', private_key_id: 'k1', private_key: PEM, client_email: 'sa@p.iam.gserviceaccount.com', client_id: '109876543210987654321' };

/** The VALIDATION_FAILED a bad key gives, checked never to repeat the key. */
function refused(given: unknown): EnvoiError {
  try {
    parseServiceAccountKey(given);
  } catch (err) {
    expect(err).to.be.instanceOf(EnvoiError);
    const e = err as EnvoiError;
    expect(e.code).to.equal('VALIDATION_FAILED');
    expect(e.hint).to.equal('In the Google Cloud console, IAM & Admin → Service accounts → Keys → Add key → JSON; paste the whole file.');
    expect(e.details).to.have.length(1);
    expect(e.details![0]!.path).to.equal('/serviceAccountKey');
    const said = JSON.stringify(e.toBody());
    for (const line of PEM.split('\n').filter((l) => l.length > 20)) expect(said).not.to.include(line);
    return e;
  }
  throw new Error('the key was accepted');
}

describe('providers/google: the service account key, checked on save', () => {
  it('a key file, as text or as an object, is read; the object is sealed as its JSON text', () => {
    expect(parseServiceAccountKey(JSON.stringify(KEY))).to.deep.include({ client_email: KEY.client_email, client_id: KEY.client_id, private_key_id: 'k1' });
    expect(parseServiceAccountKey(KEY).private_key).to.equal(PEM);
    expect(JSON.parse(serviceAccountKeyText(KEY))).to.deep.equal(KEY);
    const text = JSON.stringify(KEY, null, 2);
    expect(serviceAccountKeyText(text), 'text is kept as pasted').to.equal(text);
  });

  it('refuses what is not a service account key, naming the field and never the value', () => {
    expect(refused('{"type": "service_account", "private_key": "-----BEGIN').message).to.match(/not JSON/);
    expect(refused('[1]').message).to.match(/not a JSON object/);
    expect(refused({ ...KEY, type: 'authorized_user' }).message).to.match(/"type" is not "service_account"/);
    expect(refused({ installed: { client_id: 'x' } }).message).to.match(/"type"/);
    for (const field of ['client_email', 'client_id', 'private_key'] as const) {
      const { [field]: _, ...rest } = KEY;
      expect(refused(rest).message).to.match(new RegExp(`"${field}" is missing`));
    }
    expect(refused({ ...KEY, client_email: 'not an address' }).message).to.match(/"client_email" is not an email/);
  });

  it('refuses a private key Node cannot read, or one that cannot sign RS256', () => {
    // A key cut short by a bad paste: the PEM's end is missing.
    expect(refused({ ...KEY, private_key: PEM.slice(0, 600) }).message).to.match(/"private_key" is not an RSA private key/);
    const garbage = `-----BEGIN PRIVATE KEY-----\n${crypto.randomBytes(600).toString('base64')}\n-----END PRIVATE KEY-----\n`;
    expect(refused({ ...KEY, private_key: garbage }).message).to.match(/"private_key" is not an RSA private key/);
    const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(refused({ ...KEY, private_key: ec }).message).to.match(/not an RSA private key/);
  });
});
