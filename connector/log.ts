/**
 * A small JSON-lines logger. Fields whose name looks like a secret are replaced before the line
 * is written, so a stray `{ password }` in a log call never reaches the log.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

// Lines name the delivery or request they are about in their own fields (a provider's send
// failure carries the message's deliveryId). An AsyncLocalStorage carried them before: it puts a
// hook on every promise the process makes, which cost 15 % of the CPU per mail in the bench.

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const SECRET_KEY = /pass(word)?|secret|token|authorization|^key$|apikey|credential|sealed|^auth$/i;
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Copies a value for logging with secret-looking fields masked and errors made readable. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (value instanceof Error) {
    const e = value as Error & { code?: unknown; responseCode?: unknown; command?: unknown };
    // err.response can echo what the client sent (e.g. a failed AUTH line), so it is left out.
    return { name: e.name, message: e.message, code: e.code, responseCode: e.responseCode, command: e.command, stack: e.stack };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && typeof v !== 'boolean' ? '[redacted]' : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

export interface LoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
  base?: Record<string, unknown>;
}

/** Creates a logger writing one JSON object per line (to stderr unless `write` is given). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const min = LEVELS[options.level ?? ((process.env.ENVOI_LOG_LEVEL as LogLevel) || 'info')] ?? LEVELS.info;
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const base = options.base ?? {};
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
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
