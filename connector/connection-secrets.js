import { EnvoiError } from './errors.js';
import { providerOf } from './providers/registry.js';
/** The one secret field these settings use. */
export function secretFieldOf(provider, s) {
    return providerOf(provider).secret(s).field;
}
/** Whether this configuration needs a secret at all. */
export function needsSecret(provider, s) {
    return providerOf(provider).needsSecret(s);
}
/**
 * What a stored secret was entered for (design.md "Safety rules"): where it is sent and how
 * that server is trusted. A password is reused only while all of these stay the same, so
 * neither a new host nor relaxed TLS (certificate checks off, another CA, STARTTLS no longer
 * required) can receive it without the admin typing it again.
 */
export function bindingOf(provider, s) {
    return providerOf(provider).binding(s);
}
/** The bound settings that differ between two configurations (`provider` when that changed). */
export function changedBinding(before, after) {
    if (before.provider !== after.provider)
        return ['provider'];
    const a = bindingOf(after.provider, after.settings);
    return bindingOf(before.provider, before.settings)
        .filter(([name, value], i) => a[i][1] !== value || a[i][0] !== name)
        .map(([name]) => name);
}
// Bound with JSON so that a '|' in a user name cannot shift one field into the next.
const bindingText = (provider, s) => `${provider}|v2|${JSON.stringify(bindingOf(provider, s))}`;
/** The binding of secrets sealed before TLS trust was bound: host, port, user and method only. */
export function legacyBindingText(provider, s) {
    return `${provider}|${providerOf(provider).legacyBinding(s)}`;
}
/** The additional data a secret is sealed with: scope, row, field and its binding. */
export function secretContext(o, field, legacy = false) {
    return { scope: o.scope, rowId: o.id, field: `${field}|${legacy ? legacyBindingText(o.provider, o.settings) : bindingText(o.provider, o.settings)}` };
}
/** Seals the provider's secret for this connection and configuration. */
export function sealSecret(keyring, o, plaintext) {
    const field = secretFieldOf(o.provider, o.settings);
    const sealed = keyring.seal(plaintext, secretContext(o, field));
    return { field, keyId: sealed.keyId, sealed: sealed.value };
}
/**
 * Opens a stored secret. Secrets sealed before trust settings were bound carry the old
 * additional data: they still open (the settings they were checked against are the stored
 * ones) and report `legacy`, so the next save seals them again with the full binding.
 */
export function openSecret(keyring, o, s) {
    const sealed = { keyId: s.keyId, value: s.sealed };
    try {
        return { value: keyring.open(sealed, secretContext(o, s.field)), legacy: false };
    }
    catch (err) {
        try {
            return { value: keyring.open(sealed, secretContext(o, s.field, true)), legacy: true };
        }
        catch {
            throw err;
        }
    }
}
/** SECRET_REQUIRED, naming what changed when a stored secret may not be reused. */
export function missingSecret(provider, s, reason, changed = []) {
    const { labels } = providerOf(provider);
    const secret = providerOf(provider).secret(s);
    const names = changed.map((c) => (c === 'provider' ? 'provider' : labels[c] ?? c)).join(', ');
    const what = changed.length ? ` (changed: ${names})` : '';
    return new EnvoiError('SECRET_REQUIRED', `The ${secret.name} is required: ${reason}${what}`, {
        hint: `Enter the ${secret.name} again${what}. ${secret.reuseRule}`,
        details: [{ path: `/${secret.field}`, message: changed.length ? `is required because ${names} changed` : 'is required' }],
    });
}
/**
 * Throws SECRET_REQUIRED unless the stored secret of `stored` may be used for `next` (a saved
 * edit, or a test of an unsaved configuration based on it): one is stored and every setting it
 * is bound to is unchanged.
 */
export function assertReusable(stored, next) {
    if (!stored.secretFields.includes(secretFieldOf(next.provider, next.settings)) || stored.provider !== next.provider) {
        throw missingSecret(next.provider, next.settings, 'none is stored for this configuration');
    }
    const changed = changedBinding(stored, next);
    if (changed.length)
        throw missingSecret(next.provider, next.settings, 'the settings it was entered for changed', changed);
}
//# sourceMappingURL=connection-secrets.js.map