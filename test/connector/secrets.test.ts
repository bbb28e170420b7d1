import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createKeyring, loadKeyring } from '../../connector/secrets.js';

const ctx = { scope: 'acme', rowId: 'row-1', field: 'password|smtp|mail.acme.test|587|u|PLAIN' };

describe('secret sealing (AES-256-GCM bound to scope, row and field)', () => {
  const key = crypto.randomBytes(32);

  it('opens what it sealed, and every seal is different (random IV)', () => {
    const ring = createKeyring([key]);
    const a = ring.seal('hunter2', ctx);
    const b = ring.seal('hunter2', ctx);
    expect(a.value).not.to.equal(b.value);
    expect(a.value).not.to.include('hunter2');
    expect(ring.open(a, ctx)).to.equal('hunter2');
  });

  it('a ciphertext copied to another row, scope or field does not open', () => {
    const ring = createKeyring([key]);
    const sealed = ring.seal('hunter2', ctx);
    for (const other of [{ ...ctx, rowId: 'row-2' }, { ...ctx, scope: 'globex' }, { ...ctx, field: 'password|smtp|evil.test|587|u|PLAIN' }]) {
      expect(() => ring.open(sealed, other)).to.throw().with.property('code', 'SECRET_UNREADABLE');
    }
  });

  it('a tampered ciphertext does not open', () => {
    const ring = createKeyring([key]);
    const sealed = ring.seal('hunter2', ctx);
    const parts = sealed.value.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[3] = ct.toString('base64url');
    expect(() => ring.open({ ...sealed, value: parts.join('.') }, ctx)).to.throw().with.property('code', 'SECRET_UNREADABLE');
  });

  it('rotation: the first key seals, older keys still open', () => {
    const oldRing = createKeyring([key]);
    const sealedOld = oldRing.seal('old secret', ctx);
    const newKey = crypto.randomBytes(32);
    const rotated = createKeyring([newKey, key]);
    expect(rotated.open(sealedOld, ctx)).to.equal('old secret');
    const sealedNew = rotated.seal('new secret', ctx);
    expect(sealedNew.keyId).to.equal(rotated.currentKeyId).and.not.equal(sealedOld.keyId);
    expect(() => oldRing.open(sealedNew, ctx)).to.throw().with.property('code', 'SECRET_UNREADABLE');
  });

  it('generates a key file with mode 0600 on first start and reuses it; ENVOI_SECRET_KEY keeps it readable', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-key-'));
    const first = loadKeyring({ dataDir: dir });
    const file = path.join(dir, 'secret.key');
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    const sealed = first.seal('s', ctx);
    expect(loadKeyring({ dataDir: dir }).open(sealed, ctx)).to.equal('s');
    const envKey = crypto.randomBytes(32).toString('base64');
    const moved = loadKeyring({ dataDir: dir, secretKey: envKey });
    expect(moved.open(sealed, ctx)).to.equal('s');
    expect(moved.seal('t', ctx).keyId).not.to.equal(sealed.keyId);
  });

  it('refuses a key that is not 32 bytes, with a hint', () => {
    expect(() => loadKeyring({ dataDir: os.tmpdir(), secretKey: 'short' })).to.throw().with.property('hint').that.matches(/openssl rand/);
  });
});
