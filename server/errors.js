import { EnvoiError } from '../connector/errors.js';
import { isStorageFailure, storageUnavailable } from '../connector/store/storage-errors.js';
/** The one place that turns errors into `{error:{code,message,hint,details}}` responses. */
export function errorHandler(logger, maxBytes) {
    return (err, req, res, _next) => {
        let e;
        const bodyErr = err;
        if (err instanceof EnvoiError) {
            e = err;
        }
        else if (bodyErr?.type === 'entity.too.large') {
            e = new EnvoiError('PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBytes} bytes`);
        }
        else if (bodyErr?.type === 'entity.parse.failed') {
            e = new EnvoiError('BAD_JSON', 'The request body is not valid JSON');
        }
        else if (bodyErr?.status && bodyErr.status >= 400 && bodyErr.status < 500) {
            e = new EnvoiError('VALIDATION_FAILED', 'The request could not be read', { hint: 'Send JSON with Content-Type: application/json.' });
        }
        else if (isStorageFailure(err)) {
            // A full disk or a lost database is retryable, never a 500; the cause goes to the log only.
            logger.error('storage unavailable', { method: req.method, path: req.path, err });
            e = storageUnavailable(err);
        }
        else {
            logger.error('unhandled error', { method: req.method, path: req.path, err });
            e = new EnvoiError('INTERNAL', 'Something went wrong on the server');
        }
        if (err instanceof EnvoiError && e.status >= 500) {
            logger.error('request failed', { method: req.method, path: req.path, code: e.code, message: e.message });
        }
        if (e.retryAfterS !== undefined)
            res.set('Retry-After', String(e.retryAfterS));
        res.status(e.status).json({ error: e.toBody() });
    };
}
//# sourceMappingURL=errors.js.map