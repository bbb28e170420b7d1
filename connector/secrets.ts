import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EnvoiError } from './errors.js';

/**
 * Secret sealing with AES-256-GCM. Each sealed value records the id of the key that sealed it,
 * so keys can rotate: the first key seals, every listed key still opens. The additional
 * authenticated data names the scope, the row and the field, so a ciphertext copied into
 * another row (or another field of the same row) fails to open instead of leaking there.
 */
export interface Keyring {
  /** Id of the key new secrets are sealed with. */
  readonly currentKeyId: string;
  seal(plaintext: string, context: SecretContext): Sealed;
  open(sealed: Sealed, context: SecretContext): string;
  /**
   * HMAC keys for `purpose`, derived from every key of the ring (HKDF-SHA256, RFC 5869), the
   * current one first: sign with the first, accept any, so a rotation keeps old links valid.
   */
  macKeys(purpose: string): Buffer[];
}

/** What a sealed value is bound to. */
export interface SecretContext {
  scope: string;
  rowId: string;
  field: string;
}

export interface Sealed {
  keyId: string;
  /** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
  value: string;
}

const KEY_FILE = 'secret.key';

function keyId(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 12);
}

function aad(ctx: SecretContext): Buffer {
  return Buffer.from(`envoi-secret/v1\0${ctx.scope}\0${ctx.rowId}\0${ctx.field}`, 'utf8');
}

/** Decodes one key written as 64 hex digits or as base64 of 32 bytes. */
export function decodeKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) {
    throw new EnvoiError('CONFIG_INVALID', 'ENVOI_SECRET_KEY must hold 32-byte keys (64 hex digits or base64), separated by commas', {
      hint: 'Generate one with: openssl rand -base64 32',
    });
  }
  return key;
}

/** Builds a keyring from raw keys; the first one seals. */
export function createKeyring(keys: Buffer[]): Keyring {
  if (keys.length === 0) throw new Error('a keyring needs at least one key');
  const byId = new Map(keys.map((k) => [keyId(k), k] as const));
  const currentKeyId = keyId(keys[0]!);
  return {
    currentKeyId,
    macKeys: (purpose) => [byId.get(currentKeyId)!, ...[...byId.entries()].filter(([id]) => id !== currentKeyId).map(([, k]) => k)]
      .map((k) => Buffer.from(crypto.hkdfSync('sha256', k, Buffer.alloc(0), `envoi-mac/v1\0${purpose}`, 32))),
    seal(plaintext, ctx) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', byId.get(currentKeyId)!, iv);
      cipher.setAAD(aad(ctx));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return { keyId: currentKeyId, value: ['v1', iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join('.') };
    },
    open(sealed, ctx) {
      const key = byId.get(sealed.keyId);
      const parts = sealed.value.split('.');
      if (!key || parts.length !== 4 || parts[0] !== 'v1') {
        throw new EnvoiError('SECRET_UNREADABLE', `The stored ${ctx.field} was sealed with a key this server does not have (key id ${sealed.keyId})`);
      }
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(parts[1]!, 'base64url'));
        decipher.setAAD(aad(ctx));
        decipher.setAuthTag(Buffer.from(parts[2]!, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(parts[3]!, 'base64url')), decipher.final()]).toString('utf8');
      } catch (cause) {
        // Deliberately vague: the only facts worth telling are which field and which row.
        throw new EnvoiError('SECRET_UNREADABLE', `The stored ${ctx.field} of ${ctx.rowId} could not be opened`, { cause });
      }
    },
  };
}

/**
 * Loads the keyring of a server: the keys of ENVOI_SECRET_KEY (comma-separated, first seals),
 * and the key file of the data directory, generated with mode 0600 when neither exists.
 * The file key stays readable after an operator moves to ENVOI_SECRET_KEY.
 */
export function loadKeyring(options: { secretKey?: string | undefined; dataDir: string; persistKeyFile?: boolean }): Keyring {
  const file = path.join(options.dataDir, KEY_FILE);
  const fromEnv = (options.secretKey ?? '').split(',').filter((s) => s.trim()).map(decodeKey);
  let fromFile: Buffer | undefined;
  if (fs.existsSync(file)) {
    fromFile = decodeKey(fs.readFileSync(file, 'utf8'));
  } else if (fromEnv.length === 0 && options.persistKeyFile !== false) {
    fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    fromFile = crypto.randomBytes(32);
    // 'wx' fails if another process created the file meanwhile; then read theirs.
    try {
      fs.writeFileSync(file, fromFile.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      fromFile = decodeKey(fs.readFileSync(file, 'utf8'));
    }
  }
  const keys = [...fromEnv, ...(fromFile ? [fromFile] : [])];
  if (keys.length === 0) {
    throw new EnvoiError('CONFIG_INVALID', 'No secret key: ENVOI_SECRET_KEY is empty and the data directory has no key file');
  }
  return createKeyring(keys);
}
