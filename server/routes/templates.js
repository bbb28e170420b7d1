import { Router } from 'express';
import { isSystemAction, SYSTEM_ACTIONS, systemTemplate } from '../../actions/templates/system.js';
import { compileTemplate } from '../../actions/templates/engine.js';
import { assertScope } from '../../connector/connections.js';
import { EnvoiError } from '../../connector/errors.js';
import { LOCALES, supportedLocale } from '../../connector/locales.js';
import { validate } from '../../schemas/validator.js';
import { authorize, route } from '../auth.js';
/** A scope's own subject/html/text of a system mail, per action and locale. */
export function templateRoutes(envoi) {
    const r = Router({ mergeParams: true });
    const target = (req) => {
        const scope = String(req.params.scope);
        assertScope(scope);
        const action = String(req.params.action);
        if (!isSystemAction(action)) {
            throw new EnvoiError('NOT_FOUND', `"${action}" has no editable template`, { hint: `Editable templates: ${SYSTEM_ACTIONS.join(', ')}.` });
        }
        const locale = String(req.params.locale);
        if (supportedLocale(locale) !== locale) {
            throw new EnvoiError('NOT_FOUND', `No template locale "${locale}"`, { hint: `Locales: ${LOCALES.join(', ')}.` });
        }
        return { scope, action, locale };
    };
    r.get('/:action/:locale', route(async (req) => {
        const t = target(req);
        authorize(req, 'builder', t.scope);
        return systemTemplate(envoi.templates, t.scope, t.action, t.locale);
    }));
    r.put('/:action/:locale', route(async (req) => {
        const t = target(req);
        authorize(req, 'admin', t.scope);
        const body = validate('template', req.body ?? {});
        // Refuse a broken template now, with its line and column, rather than at the next send.
        compileTemplate(body.subject, 'subject');
        compileTemplate(body.html, 'html');
        compileTemplate(body.text, 'text');
        await envoi.templates.put({ ...t, ...body });
        envoi.logger.info('template saved', { ...t, principal: req.principal?.keyId });
        return systemTemplate(envoi.templates, t.scope, t.action, t.locale);
    }));
    r.delete('/:action/:locale', route(async (req, res) => {
        const t = target(req);
        authorize(req, 'admin', t.scope);
        await envoi.templates.delete(t.scope, t.action, t.locale);
        res.status(204).end();
    }));
    return r;
}
//# sourceMappingURL=templates.js.map