import { expect } from 'chai';
import { classifySmtpError } from '../../../../connector/providers/smtp/classify-smtp.js';
import { isStorageFailure, storageUnavailable } from '../../../../connector/store/storage-errors.js';

const ctx = { host: 'smtp.example.test', port: 587, secure: false, reached: 'send' as const };
const err = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

describe('classify: SMTP failures read on exact codes', () => {
  it('an oversized reply line (EPROTOCOL) is a transient SERVER_ERROR, not TLS, and no connection fault', () => {
    const f = classifySmtpError(err('Server response exceeds maximum allowed size', { code: 'EPROTOCOL', command: 'CONN' }), ctx);
    expect(f).to.include({ code: 'SERVER_ERROR', transient: true });
    expect(f.connectionFault).to.equal(false);
  });
  it('EPROTO, ERR_SSL_… and certificate codes are TLS failures; text alone is not', () => {
    expect(classifySmtpError(err('write EPROTO', { code: 'ESOCKET', originalCode: 'EPROTO' }), ctx).code).to.equal('TLS_FAILED');
    expect(classifySmtpError(err('wrong version number', { code: 'ESOCKET', originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER' }), ctx).code).to.equal('TLS_FAILED');
    const cert = classifySmtpError(err('self-signed certificate', { code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), ctx);
    expect(cert).to.include({ code: 'TLS_FAILED' });
    expect(cert.message).to.match(/not trusted/);
    // A message that merely mentions TLS words is not a TLS failure.
    expect(classifySmtpError(err('Unexpected EPROTOCOL handshake alert SSL', { code: 'EPROTOCOL' }), ctx).code).to.equal('SERVER_ERROR');
  });
  it('a link failure after the final dot is OUTCOME_UNKNOWN; the same before it is a plain transient failure', () => {
    const closed = err('Connection closed unexpectedly', { code: 'ECONNECTION', command: 'CONN' });
    const timeout = err('Timeout', { code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT', command: 'CONN' });
    for (const e of [closed, timeout]) {
      const after = classifySmtpError(e, { ...ctx, handedOver: true });
      expect(after).to.include({ code: 'OUTCOME_UNKNOWN', transient: true, outcomeUnknown: true });
      expect(after.hint).to.match(/Message-ID/);
      const before = classifySmtpError(e, { ...ctx, handedOver: false });
      expect(before.code).to.not.equal('OUTCOME_UNKNOWN');
      expect(before.outcomeUnknown).to.equal(undefined);
    }
    // A reply to the dot (even a 4xx) is an answer, not an unknown.
    expect(classifySmtpError(err('Message failed', { code: 'EMESSAGE', command: 'DATA', responseCode: 451, response: '451 try later' }), { ...ctx, handedOver: true }).code).to.equal('MESSAGE_REJECTED');
  });
});

describe('storage failures are recognised in one place', () => {
  it('SQLite and PostgreSQL storage errors, not constraint or syntax errors', () => {
    for (const code of ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_BUSY', 'ECONNREFUSED', 'ECONNRESET', '57P01', '08006', '53100']) {
      expect(isStorageFailure(err('x', { code })), code).to.equal(true);
    }
    expect(isStorageFailure(err('Connection terminated unexpectedly', {}))).to.equal(true);
    expect(isStorageFailure(err('wrapped', { cause: err('disk', { code: 'SQLITE_FULL' }) }))).to.equal(true);
    for (const code of ['SQLITE_CONSTRAINT', 'SQLITE_ERROR', '23505', '42P01']) expect(isStorageFailure(err('x', { code })), code).to.equal(false);
    const e = storageUnavailable(err('x', { code: 'SQLITE_FULL' }), 'nothing was queued');
    expect(e).to.include({ code: 'STORAGE_UNAVAILABLE', status: 503, retryAfterS: 5 });
    expect(e.message).to.match(/nothing was queued/);
    expect(e.hint).to.match(/disk/);
  });
});
