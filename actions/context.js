import { RENDER_JOB } from './render-job.js';
import { systemTemplate } from './templates/system.js';
/** A placeholder id for messages built only to be measured (previews); never stored. */
const PREVIEW_ID = '00000000-0000-4000-8000-000000000000';
/** The context of one action run in `scope`, made from the services it may use. */
export function actionContext(s, scope, opts = {}) {
    const maxBytes = s.config.maxMessageBytes;
    return {
        scope,
        idempotencyKey: opts.idempotencyKey,
        logger: s.logger,
        signal: opts.signal,
        resolveConnection: (ref) => s.connections.resolveForSend(scope, ref),
        render: (parts, o) => s.pool.run(scope, RENDER_JOB, { parts, uidDomain: o.uidDomain, locale: o.locale, maxBytes }),
        async enqueue(req) {
            const { delivery } = await s.outbox.enqueue({
                scope,
                connection: req.connection,
                action: req.action,
                mail: s.mailer.envelopeFor(req.connection, req.mail),
                idempotencyKey: opts.idempotencyKey,
                sendAt: req.sendAt,
                maxAttempts: s.config.maxAttempts,
            });
            return delivery;
        },
        compose(mail, connection) {
            const full = connection ? s.mailer.envelopeFor(connection, mail) : { ...mail, from: 'preview@envoi.invalid' };
            return s.outbox.composer.compose(scope, PREVIEW_ID, full, maxBytes);
        },
        template: (action, locale) => systemTemplate(s.templates, scope, action, locale),
    };
}
//# sourceMappingURL=context.js.map