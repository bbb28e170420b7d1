const SECRET_KEY = /pass(word)?|secret|token|authorization|^key$|apikey|credential|sealed|^auth$/i;
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 };
/** Copies a value for logging with secret-looking fields masked and errors made readable. */
export function redact(value, depth = 0) {
    if (depth > 6)
        return '[deep]';
    if (value instanceof Error) {
        const e = value;
        // err.response can echo what the client sent (e.g. a failed AUTH line), so it is left out.
        return { name: e.name, message: e.message, code: e.code, responseCode: e.responseCode, command: e.command, stack: e.stack };
    }
    if (Array.isArray(value))
        return value.map((v) => redact(v, depth + 1));
    if (value && typeof value === 'object') {
        const out = {};
        for (const [k, v] of Object.entries(value)) {
            out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && typeof v !== 'boolean' ? '[redacted]' : redact(v, depth + 1);
        }
        return out;
    }
    return value;
}
/** Creates a logger writing one JSON object per line (to stderr unless `write` is given). */
export function createLogger(options = {}) {
    const min = LEVELS[options.level ?? (process.env.ENVOI_LOG_LEVEL || 'info')] ?? LEVELS.info;
    const write = options.write ?? ((line) => process.stderr.write(line + '\n'));
    const base = options.base ?? {};
    const emit = (level, msg, fields) => {
        if (LEVELS[level] < min)
            return;
        const entry = redact({ time: new Date().toISOString(), level, msg, ...base, ...fields });
        write(JSON.stringify(entry));
    };
    return {
        debug: (m, f) => emit('debug', m, f),
        info: (m, f) => emit('info', m, f),
        warn: (m, f) => emit('warn', m, f),
        error: (m, f) => emit('error', m, f),
        child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
    };
}
//# sourceMappingURL=log.js.map