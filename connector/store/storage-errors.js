import { EnvoiError } from '../errors.js';
/**
 * The one place that tells a storage failure (the database cannot write now: a full disk, a lost
 * connection) from any other database error. Such a failure is the operator's to fix and passes
 * when they do; callers answer it with STORAGE_UNAVAILABLE (503, retryable) and never a 500.
 */
/** SQLite result codes (sqlite3 puts the primary name in `code`, https://sqlite.org/rescode.html). */
const SQLITE_CODES = new Set(['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_NOMEM', 'SQLITE_PROTOCOL']);
/** System errors of a connection to PostgreSQL that went away or never came. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 53 (insufficient resources: 53100
 * disk_full, 53200 out_of_memory, 53300 too_many_connections), 57P01–57P03 (admin shutdown,
 * crash shutdown, cannot connect now), 58030 (io_error), 25006 (read-only transaction, a standby).
 */
function isPgStorageState(code) {
    return /^(08|53)[0-9A-Z]{3}$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '58030' || code === '25006';
}
/** Messages of pg and knex when the connection is gone, for errors that carry no code. */
const LOST_CONNECTION = /Connection terminated|connection is closed|Client has encountered a connection error|Knex: Timeout acquiring a connection/;
/** Whether `err` (or an error it wraps) says the database cannot store anything right now. */
export function isStorageFailure(err) {
    for (let e = err, depth = 0; e && depth < 5; e = e.cause, depth++) {
        const code = typeof e.code === 'string' ? e.code : '';
        if (SQLITE_CODES.has(code) || NETWORK_CODES.has(code) || isPgStorageState(code))
            return true;
        if (code === '' && typeof e.message === 'string' && LOST_CONNECTION.test(e.message))
            return true;
    }
    return false;
}
/** How long a client should wait before it tries again (the Retry-After header). */
export const STORAGE_RETRY_AFTER_S = 5;
/** The error a request gets when storage failed; `cause` is kept for the log, never shown. */
export function storageUnavailable(cause, consequence = 'nothing was changed') {
    return new EnvoiError('STORAGE_UNAVAILABLE', `The database cannot store anything right now (for example its disk is full or it is unreachable); ${consequence}`, {
        cause,
        retryAfterS: STORAGE_RETRY_AFTER_S,
    });
}
/** Rethrows a storage failure as STORAGE_UNAVAILABLE, anything else unchanged. */
export function rethrowStorage(err, consequence) {
    throw isStorageFailure(err) ? storageUnavailable(err, consequence) : err;
}
//# sourceMappingURL=storage-errors.js.map