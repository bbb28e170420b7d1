import { compileTemplate } from '../../actions/templates/engine.js';
import { isSystemAction, SYSTEM_ACTIONS, systemTemplate, type ResolvedTemplate } from '../../actions/templates/system.js';
import { textFromHtml } from '../../connector/delivery/text-from-html.js';
import { assertScope } from '../../connector/connections.js';
import type { Envoi as Core } from '../../connector/envoi.js';
import { EnvoiError } from '../../connector/errors.js';
import { LOCALES, supportedLocale } from '../../connector/locales.js';
import { validate } from '../../schemas/validator.js';

/** A system mail's own subject, html and text (Handlebars; see schemas/template.schema.json). */
export interface TemplateInput {
  subject: string;
  html: string;
  /** Left out, one is derived from the html. */
  text?: string;
}

export interface TemplateOperations {
  /** The scope's template, or the built-in one it inherits (the answer says which). */
  get(scope: string, action: string, locale: string): Promise<ResolvedTemplate>;
  put(scope: string, action: string, locale: string, template: TemplateInput): Promise<ResolvedTemplate>;
  /** Back to the built-in template. */
  delete(scope: string, action: string, locale: string): Promise<void>;
}

/** Checks the scope, that the action has an editable template and the locale is one of Envoi's. */
function target(scope: string, action: string, locale: string) {
  assertScope(scope);
  if (!isSystemAction(action)) {
    throw new EnvoiError('NOT_FOUND', `"${action}" has no editable template`, { hint: `Editable templates: ${SYSTEM_ACTIONS.join(', ')}.` });
  }
  if (supportedLocale(locale) !== locale) {
    throw new EnvoiError('NOT_FOUND', `No template locale "${locale}"`, { hint: `Locales: ${LOCALES.join(', ')}.` });
  }
  return { scope, action, locale };
}

/** A scope's templates of the system mails, per action and locale, as plain calls. */
export function templateOperations(core: Core): TemplateOperations {
  return {
    get(scope, action, locale) {
      const t = target(scope, action, locale);
      return systemTemplate(core.templates, t.scope, t.action, t.locale);
    },
    async put(scope, action, locale, template) {
      const t = target(scope, action, locale);
      const body = validate('template', template ?? {});
      // Refuse a broken template now, with its line and column, rather than at the next send.
      compileTemplate(body.subject, 'subject');
      compileTemplate(body.html, 'html');
      // No text part: derive one from the html template itself, as send-email derives one from
      // rendered html; html-to-text keeps the {{ }} of the template as they are.
      const text = body.text ?? textFromHtml(body.html);
      compileTemplate(text, 'text');
      await core.templates.put({ ...t, ...body, text });
      return systemTemplate(core.templates, t.scope, t.action, t.locale);
    },
    async delete(scope, action, locale) {
      const t = target(scope, action, locale);
      await core.templates.delete(t.scope, t.action, t.locale);
    },
  };
}

/** Whether an action/locale pair names an editable template (routes check it before authorizing). */
export const templateTarget = target;
