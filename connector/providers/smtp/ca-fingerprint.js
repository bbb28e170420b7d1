import crypto from 'node:crypto';
/**
 * A sha256 of a CA certificate's normalized PEM: each BEGIN/END block with its base64 joined
 * (line breaks, CRLF and indentation do not count), text outside the blocks ignored, as OpenSSL
 * ignores it. So re-pasting the same certificate keeps the stored password, and any other
 * certificate needs it again. A line scan, not a regex over the whole text.
 */
export function caFingerprint(pem) {
    if (!pem)
        return '';
    const blocks = [];
    let open;
    for (const raw of pem.split(/\r\n|\r|\n/)) {
        const line = raw.trim();
        if (!open) {
            if (line.startsWith('-----BEGIN ') && line.endsWith('-----'))
                open = { label: line.slice(11, -5), body: [] };
        }
        else if (line === `-----END ${open.label}-----`) {
            blocks.push(`${open.label}\n${open.body.join('')}`);
            open = undefined;
        }
        else {
            open.body.push(line.replace(/\s/g, ''));
        }
    }
    const normalized = blocks.length ? blocks.join('\n') : pem.replace(/\s/g, '');
    return crypto.createHash('sha256').update(normalized, 'utf8').digest('hex');
}
//# sourceMappingURL=ca-fingerprint.js.map