import crypto from 'node:crypto';
import { expect } from 'chai';
import { createKeyring } from '../../connector/secrets.js';
import { signUnsubscribe, verifyUnsubscribe } from '../../connector/unsubscribe-token.js';

describe('one-click unsubscribe tokens', () => {
  const oldKey = crypto.randomBytes(32);
  const newKey = crypto.randomBytes(32);
  const claim = { scope: 'acme', deliveryId: '5b1f0d7e-1111-4222-8333-444455556666', email: 'Ann@Example.com' };

  it('a token names its scope, delivery and (lower-cased) address, and only its signer accepts it', () => {
    const ring = createKeyring([oldKey]);
    const token = signUnsubscribe(ring, claim);
    expect(token).to.match(/^[\w-]+\.[\w-]{43}$/);
    expect(verifyUnsubscribe(ring, token)).to.deep.equal({ ...claim, email: 'ann@example.com' });
    expect(verifyUnsubscribe(createKeyring([newKey]), token), 'another server').to.equal(undefined);
  });

  it('still opens after a key rotation (the old key kept second); new tokens use the new key', () => {
    const token = signUnsubscribe(createKeyring([oldKey]), claim);
    const rotated = createKeyring([newKey, oldKey]);
    expect(verifyUnsubscribe(rotated, token)?.email).to.equal('ann@example.com');
    const fresh = signUnsubscribe(rotated, claim);
    expect(verifyUnsubscribe(createKeyring([newKey]), fresh)?.scope).to.equal('acme');
    expect(verifyUnsubscribe(createKeyring([oldKey]), fresh)).to.equal(undefined);
  });

  it('an altered payload, a cut signature or junk is refused', () => {
    const ring = createKeyring([oldKey]);
    const [payload, mac] = signUnsubscribe(ring, claim).split('.') as [string, string];
    const other = Buffer.from(JSON.stringify(['acme', claim.deliveryId, 'victim@example.com'])).toString('base64url');
    for (const t of [`${other}.${mac}`, `${payload}.${mac.slice(0, -2)}`, `${payload}.${mac}.x`, payload, '', '..', `${payload}.`]) {
      expect(verifyUnsubscribe(ring, t), t).to.equal(undefined);
    }
  });
});
