const IMPLICIT_TLS_PORTS = new Set([465]);
const STARTTLS_PORTS = new Set([25, 587, 2525]);
/** An SMTP configuration that saves but probably does not do what the admin wants. */
export function smtpWarnings(s) {
    const out = [];
    if (s.port === undefined)
        return out;
    if (s.secure && STARTTLS_PORTS.has(s.port)) {
        out.push({
            code: 'SECURE_PORT_MISMATCH',
            message: `Port ${s.port} usually expects STARTTLS, but Secure (TLS from the first byte) is on`,
            hint: `Turn Secure off or use port 465.`,
        });
    }
    else if (!s.secure && IMPLICIT_TLS_PORTS.has(s.port)) {
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
//# sourceMappingURL=warnings.js.map