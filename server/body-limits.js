import express from 'express';
import { EnvoiError } from '../connector/errors.js';
/** Largest body of every route but execute, validate and preview: connections, keys, templates… */
export const MAX_OTHER_BODY_BYTES = 2 * 1024 * 1024;
const EXECUTE = /^\/api\/v1\/scopes\/[^/]+\/actions\/[^/]+\/execute\/?$/;
const PREVIEW = /^\/api\/v1\/scopes\/[^/]+\/actions\/[^/]+\/(?:validate|preview)\/?$/;
/** A JSON parser whose "too large" names the limit of its route and what to do. */
function json(limit, hint) {
    const parse = express.json({ limit });
    return (req, res, next) => parse(req, res, (err) => {
        if (err?.type === 'entity.too.large') {
            next(new EnvoiError('PAYLOAD_TOO_LARGE', `The request body is larger than ${limit} bytes, the most this route takes`, { hint }));
        }
        else
            next(err);
    });
}
/**
 * Request bodies are limited per route: execute takes a whole message (ENVOI_MAX_MESSAGE_BYTES);
 * validate and preview, which render it on the spot for a builder, take ENVOI_MAX_PREVIEW_BYTES;
 * everything else (connections, keys, templates) needs far less. The parser stops reading at
 * the limit, so a large body costs no more than the limit.
 */
export function bodyLimits(config) {
    // No route takes more than a whole message.
    const previewBytes = Math.min(config.maxPreviewBytes, config.maxMessageBytes);
    const otherBytes = Math.min(MAX_OTHER_BODY_BYTES, config.maxMessageBytes);
    const execute = json(config.maxMessageBytes, 'Send a smaller message: shrink or drop attachments.');
    const preview = json(previewBytes, `Validate and preview take at most ${previewBytes} bytes: try them with smaller attachments (execute takes up to ${config.maxMessageBytes}).`);
    const other = json(otherBytes, `This route takes at most ${otherBytes} bytes of JSON; send only the fields it needs.`);
    return (req, res, next) => {
        const p = req.path;
        (EXECUTE.test(p) ? execute : PREVIEW.test(p) ? preview : other)(req, res, next);
    };
}
//# sourceMappingURL=body-limits.js.map