import type { Preview } from '../../actions/define.js';
import { previewAction } from '../../actions/run.js';
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
  /**
   * Renders an unsaved template with `input` (the action's input) as the action's preview would:
   * the admin page's live preview while the template is edited. Nothing is saved or sent.
   */
  preview(scope: string, action: string, locale: string, request: { template: TemplateInput; input: Record<string, unknown> }): Promise<Preview>;
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

/**
 * A template checked as saving checks it: a broken one is refused with its line and column; without
 * a text part, one is derived from the html template itself, as send-email derives one from
 * rendered html (html-to-text keeps the {{ }} of the template as they are).
 */
function checked(template: TemplateInput): Required<TemplateInput> {
  const body = validate('template', template ?? {});
  compileTemplate(body.subject, 'subject');
  compileTemplate(body.html, 'html');
  const text = body.text ?? textFromHtml(body.html);
  compileTemplate(text, 'text');
  return { ...body, text };
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
      // Refuse a broken template now, with its line and column, rather than at the next send.
      await core.templates.put({ ...t, ...checked(template) });
      return systemTemplate(core.templates, t.scope, t.action, t.locale);
    },
    async delete(scope, action, locale) {
      const t = target(scope, action, locale);
      await core.templates.delete(t.scope, t.action, t.locale);
    },
    async preview(scope, action, locale, request) {
      const t = target(scope, action, locale);
      const body = validate('template-preview-request', request ?? {});
      const draft: ResolvedTemplate = { action: t.action, locale: t.locale, source: 'scope', ...checked(body.template) };
      // The template is this locale's, whatever locale the input names.
      return previewAction(core, t.scope, t.action, { ...body.input, locale: t.locale }, { template: async () => draft });
    },
  };
}

/** Whether an action/locale pair names an editable template (routes check it before authorizing). */
export const templateTarget = target;
