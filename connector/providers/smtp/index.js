import { assertLiteralHostAllowed } from '../../network-policy.js';
import { SMTP_PRESETS } from './presets.js';
import { normalizeSmtp, SMTP_FIELDS, smtpBinding, smtpLegacyBinding } from './rules.js';
import { SmtpProvider } from './smtp.js';
import { effectiveUser } from './user.js';
import { smtpWarnings } from './warnings.js';
/** SMTP through nodemailer (design.md "A connection"). */
export const smtp = {
    key: 'smtp',
    fields: SMTP_FIELDS,
    secret: () => ({
        field: 'password',
        name: 'password',
        reuseRule: 'A stored password is only reused while host, port, user, authentication method, Secure, Require TLS, Allow invalid certificates and the CA certificate stay the same, so it is never sent to a server, or over a connection, it was not entered for.',
        whyRequired: 'this connection logs in with a user name',
    }),
    labels: {
        host: 'host',
        port: 'port',
        user: 'user',
        authMethod: 'authentication method',
        secure: 'Secure',
        requireTLS: 'Require TLS',
        allowInvalidCertificates: 'Allow invalid certificates',
        caCertificate: 'CA certificate',
    },
    keepsBcc: false,
    signsWithEnvoiDkim: true,
    presets: SMTP_PRESETS,
    normalize: normalizeSmtp,
    needsSecret: (s) => effectiveUser(s) !== undefined,
    binding: smtpBinding,
    legacyBinding: smtpLegacyBinding,
    warnings: smtpWarnings,
    vetStored(c, policy) {
        if (c.settings.host)
            assertLiteralHostAllowed(c.settings.host, policy, { scope: c.scope, id: c.id, port: c.settings.port ?? 0 });
    },
    connect(runtime) {
        const p = new SmtpProvider(runtime);
        return {
            preflight: (conn) => p.preflight(conn),
            test: (conn) => p.test(conn),
            send: (conn, message) => p.send(conn, message),
            evict: (id) => p.evict(id),
            close: () => p.closeAll(),
        };
    },
};
//# sourceMappingURL=index.js.map