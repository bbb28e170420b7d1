import { requestedDelayMs } from './delivery/retry.js';
const spec = (stage, transient, connectionFault, hint) => ({ stage, transient, connectionFault, hint });
export const FAILURES = Object.freeze({
    DNS_LOOKUP_FAILED: spec('dns', false, true, 'Check the host name for typos (e.g. smtp.gmail.com).'),
    CONNECTION_REFUSED: spec('connect', true, true, 'Check the host and port: nothing accepts connections there, or the server turns this client away.'),
    CONNECTION_TIMEOUT: spec('connect', true, true, 'Check the host and port, and that a firewall lets Envoi reach the server.'),
    TLS_FAILED: spec('tls', false, true, 'Check the Secure setting for this port (465: on; 587: off, STARTTLS) and the server\'s certificate.'),
    STARTTLS_UNAVAILABLE: spec('tls', false, true, 'Use the server\'s submission port (587 with STARTTLS, or 465 with Secure on), or choose authentication NONE for a relay without login.'),
    AUTH_FAILED: spec('auth', false, true, 'Check the user name and password; Gmail and Outlook need an app password when two-step verification is on.'),
    AUTH_METHOD_UNSUPPORTED: spec('auth', false, true, 'Choose the method the server offers (PLAIN or LOGIN).'),
    OAUTH_FAILED: spec('auth', false, true, 'Check the tenant id, client id and client secret of the app registration.'),
    PERMISSION_MISSING: spec('auth', false, true, 'Grant the app the permission to send (Microsoft Graph: the Mail.Send application permission, with admin consent), then test the connection again.'),
    /** The key that sealed the connection's secret is gone: no mail through it can authenticate. */
    SECRET_UNREADABLE: spec('auth', false, true, 'The key that sealed this secret is missing: restore ENVOI_SECRET_KEY (or the data directory key file), or enter the secret again.'),
    /** The operator's network policy refuses the host's addresses (a policy, not a broken server). */
    HOST_NOT_ALLOWED: spec('dns', false, false, 'Use the public name of your mail server. An operator can allow private addresses with ENVOI_ALLOW_PRIVATE_HOSTS=true.'),
    PORT_NOT_ALLOWED: spec('connect', false, false, 'Use 587 (STARTTLS) or 465 (TLS), or ask the operator to widen ENVOI_ALLOWED_PORTS.'),
    CONNECTION_NOT_FOUND: spec('connect', false, false, 'Send the message again through an existing connection.'),
    SENDER_REJECTED: spec('send', false, false, 'Use a sender email the account may send as (the login address or a verified alias or domain).'),
    RECIPIENT_REJECTED: spec('send', false, false, 'Check the recipient addresses.'),
    RECIPIENT_DEFERRED: spec('send', true, false, 'Nothing to do: the server asked to try again later (greylisting); deferred recipients are retried alone, and those who have the mail never get it twice.'),
    MESSAGE_REJECTED: spec('send', false, false, 'Read the server\'s reply: it says why (content, size or policy).'),
    MESSAGE_TOO_LARGE: spec('send', false, false, 'Send smaller attachments, or share large files by link.'),
    THROTTLED: spec('send', true, false, 'Nothing to do: the server asked Envoi to slow down, and the mail is retried when it allows (Retry-After, or the time it named).'),
    SERVER_ERROR: spec('send', true, false, 'Try again later; if it keeps happening, ask the server\'s administrator.'),
    OUTCOME_UNKNOWN: spec('send', true, false, 'The server may have accepted the mail. If it is sent again, a copy carries the same Message-ID, so it is recognisable as a duplicate.'),
    WORKER_LOST: spec('send', true, false, 'Nothing to do: the delivery is retried. If the first attempt did reach the server, the recipient may see it twice with the same Message-ID.'),
    ALL_RECIPIENTS_SUPPRESSED: spec('send', false, false, 'Every recipient is on the scope\'s suppression list (an earlier bounce or complaint); remove an address from the list only if it should get mail again.'),
    INTERNAL: spec('send', true, false, 'It is retried; the server log has the details.'),
});
export function isFailureCode(code) {
    return Object.prototype.hasOwnProperty.call(FAILURES, code);
}
/** The one factory of failures. A delay the server asked for in its reply is read here, once. */
export function failure(code, message, d = {}) {
    const s = FAILURES[code];
    const retryAfterMs = d.retryAfterMs ?? requestedDelayMs(d.reply);
    return {
        code,
        stage: d.stage ?? s.stage,
        message,
        hint: d.hint ?? s.hint,
        transient: d.transient ?? s.transient,
        connectionFault: d.connectionFault ?? s.connectionFault,
        ...(d.responseCode !== undefined ? { responseCode: d.responseCode } : {}),
        ...(d.reply !== undefined ? { reply: d.reply } : {}),
        ...(d.outcomeUnknown ? { outcomeUnknown: true } : {}),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
}
/** Removes secrets (and echoed AUTH lines) from text a failure repeats: no secret in any message or reply. */
export function scrub(text, secrets = []) {
    let out = text;
    for (const s of secrets)
        if (s)
            out = out.split(s).join('[redacted]');
    // An AUTH PLAIN line echoed back would carry base64 credentials; never repeat one.
    return out.replace(/(AUTH\s+\S+\s+)\S+/gi, '$1[redacted]');
}
export function storedFailure(f) {
    return {
        code: f.code, stage: f.stage, message: f.message, hint: f.hint,
        ...(f.responseCode !== undefined ? { responseCode: f.responseCode } : {}),
        ...(f.reply !== undefined ? { reply: f.reply } : {}),
    };
}
//# sourceMappingURL=failures.js.map