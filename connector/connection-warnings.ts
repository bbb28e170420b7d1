import type { ConnectionSettings, StoredConnection } from './store/connections.js';

/** A warning about a saved configuration that may not work as the admin expects. */
export interface Warning {
  code: string;
  message: string;
  hint?: string;
}

const IMPLICIT_TLS_PORTS = new Set([465]);
const STARTTLS_PORTS = new Set([25, 587, 2525]);

/** Static warnings: the configuration saves, but probably does not do what the admin wants. */
export function warningsFor(provider: StoredConnection['provider'], s: ConnectionSettings): Warning[] {
  const out: Warning[] = [];
  if (provider !== 'smtp' || s.port === undefined) return out;
  if (s.secure && STARTTLS_PORTS.has(s.port)) {
    out.push({
      code: 'SECURE_PORT_MISMATCH',
      message: `Port ${s.port} usually expects STARTTLS, but Secure (TLS from the first byte) is on`,
      hint: `Turn Secure off or use port 465.`,
    });
  } else if (!s.secure && IMPLICIT_TLS_PORTS.has(s.port)) {
    out.push({
      code: 'SECURE_PORT_MISMATCH',
      message: `Port ${s.port} expects TLS from the first byte, but Secure is off`,
      hint: 'Turn Secure on, or use port 587 with Secure off.',
    });
  }
  if (s.allowInvalidCertificates) {
    out.push({
      code: 'CERTIFICATE_CHECKS_OFF',
      message: 'Certificates are not verified: anyone between Envoi and the server can read the password and the mail',
      hint: 'Add the server\'s CA certificate instead and turn "Allow invalid certificates" off.',
    });
  }
  return out;
}

/** A stored connection's warnings after those found while saving it, each code once. */
export function mergeWarnings(provider: StoredConnection['provider'], s: ConnectionSettings, extra: Warning[]): Warning[] {
  return [...extra, ...warningsFor(provider, s)].filter((w, i, all) => all.findIndex((x) => x.code === w.code) === i);
}
