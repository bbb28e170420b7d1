// The Templates tab: a scope's system mails (invitation, sign-up confirmation) per language —
// the template in use and where it comes from (this scope, the platform, built in), edited and
// saved (admins), a preview rendered by the server with sample data (POST …/actions/:action/preview),
// following the admin's typing before it is saved (POST …/templates/:action/:locale/preview),
// and "Return to the built-in" (DELETE; a tenant then uses the platform's, if any).

import { api, scoped } from './api.js';
import { errorView } from './error-view.js';
import { announce, badge, busy, confirmDialog, fill, h, mailFrame, uid } from './dom.js';
import { LANGUAGE_NAMES, LANGUAGES, language, t } from './i18n/index.js';
import { liveRequest } from './live-request.js';
import { can, state } from './state.js';
import type { Tab } from './tabs.js';

const ACTIONS = ['send-invitation', 'send-signup-confirmation'] as const;
type SystemAction = (typeof ACTIONS)[number];
interface Template { action: string; locale: string; source: 'scope' | 'platform' | 'builtin'; subject: string; html: string; text: string }
interface Preview { subject?: string; html?: string | null; text?: string }

const SOURCE_KIND: Record<Template['source'], string> = { scope: 'ok', platform: 'info', builtin: 'neutral' };
/** How long typing pauses before the preview follows it. */
const TYPING_PAUSE_MS = 300;

/** The sample data a preview renders with: what the action's input would carry. */
function sample(action: SystemAction, locale: string): Record<string, unknown> {
  const common = { to: 'ada@example.com', appName: 'Acme CRM', link: 'https://app.example.com/accept/7f3a', locale, expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() };
  return action === 'send-invitation' ? { ...common, inviterName: 'Grace Hopper' } : { ...common, name: 'Ada Lovelace' };
}

function field(label: string, control: HTMLElement & { id: string }): HTMLElement {
  control.id = uid('tpl');
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}

export function templatesTab(): Tab {
  const edit = can.manageConnections();
  const action = h('select', {}, ...ACTIONS.map((a) => h('option', { value: a }, t(`templates.action.${a}`))));
  const locale = h('select', {}, ...LANGUAGES.map((l) => h('option', { value: l, lang: l }, LANGUAGE_NAMES[l])));
  locale.value = language();
  const subject = h('input', { type: 'text', maxlength: 2000, readonly: !edit });
  const html = h('textarea', { rows: 10, spellcheck: 'false', class: 'code', readonly: !edit });
  const text = h('textarea', { rows: 6, class: 'code', readonly: !edit, 'aria-describedby': 'tpl-text-hint' });
  const source = h('p', { class: 'template-source' });
  // What is wrong with the text being typed, beside it; the last good preview stays.
  const draftError = h('div', { class: 'template-draft-error', 'aria-live': 'polite' });
  const notice = h('div', { class: 'notice-area', role: 'status', 'aria-live': 'polite' });
  const preview = h('section', { class: 'template-preview', 'aria-label': t('templates.preview') });
  const saveBtn = edit ? h('button', { type: 'submit', class: 'btn primary' }, t('common.save')) : null;
  const resetBtn = edit ? h('button', { type: 'button', class: 'btn', hidden: true }, t('templates.reset')) : null;
  const form = h(
    'form',
    { class: 'template-form', novalidate: true },
    h('div', { class: 'inline-form' }, field(t('templates.action'), action), field(t('templates.language'), locale)),
    source,
    field(t('templates.subject'), subject),
    field(t('templates.html'), html),
    field(t('templates.text'), text),
    h('p', { class: 'small muted', id: 'tpl-text-hint' }, t('templates.textHint')),
    draftError,
    edit ? h('div', { class: 'actions' }, saveBtn, resetBtn) : null,
  );
  const panel = h(
    'div',
    {},
    h('div', { class: 'toolbar' }, h('h2', {}, t('templates.title')), h('div', { class: 'spacer' })),
    h('p', { class: 'muted' }, t('templates.intro')),
    notice,
    h('div', { class: 'template-layout' }, form, preview),
  );
  const path = () => scoped(state.scope, `templates/${action.value}/${locale.value}`);
  let generation = 0;

  function showSource(tpl: Template) {
    fill(source, badge(t(`templates.source.${tpl.source}`), SOURCE_KIND[tpl.source]));
    if (resetBtn) resetBtn.hidden = tpl.source !== 'scope';
  }

  function showPreview(p: Preview, note: string): void {
    fill(
      preview,
      h('h3', {}, t('templates.preview')),
      h('p', { class: 'small muted' }, note),
      h('p', { class: 'preview-subject' }, h('strong', {}, t('templates.subject')), ' ', p.subject ?? ''),
      p.html ? mailFrame(p.html, t('templates.preview')) : null,
      p.text ? h('pre', { class: 'mail-text preview-text', tabindex: 0 }, p.text) : null,
    );
  }

  /** The server's rendering of the template in use, with the sample data. */
  async function renderPreview(): Promise<void> {
    const mine = generation;
    fill(preview, h('h3', {}, t('templates.preview')), h('p', { class: 'muted' }, t('common.loading')));
    try {
      const p = await api<Preview>('POST', scoped(state.scope, `actions/${action.value}/preview`), { input: sample(action.value as SystemAction, locale.value) });
      if (mine === generation) showPreview(p, t('templates.sampleNote'));
    } catch (e) {
      if (mine === generation) fill(preview, h('h3', {}, t('templates.preview')), errorView(e));
    }
  }

  /** The text being typed: without a text part, the server derives one from the html, as saving would. */
  const draft = () => ({ subject: subject.value, html: html.value, ...(text.value.trim() ? { text: text.value } : {}) });

  // While an admin types, the preview follows the unsaved text; an error (a {{#if}} not yet
  // closed) shows beside the editor and the last good preview stays.
  const live = liveRequest(
    TYPING_PAUSE_MS,
    (signal) => api<Preview>('POST', `${path()}/preview`, { template: draft(), input: sample(action.value as SystemAction, locale.value) }, undefined, { signal }),
    {
      ok(p) {
        draftError.replaceChildren();
        showPreview(p, t('templates.unsavedNote'));
      },
      fail: (e) => draftError.replaceChildren(errorView(e)),
    },
  );
  if (edit) for (const f of [subject, html, text]) f.addEventListener('input', () => live.schedule());

  async function load(): Promise<void> {
    const mine = ++generation;
    live.cancel();
    draftError.replaceChildren();
    notice.replaceChildren();
    try {
      const tpl = await api<Template>('GET', path());
      if (mine !== generation) return;
      subject.value = tpl.subject;
      html.value = tpl.html;
      text.value = tpl.text;
      showSource(tpl);
    } catch (e) {
      if (mine === generation) notice.replaceChildren(errorView(e));
      return;
    }
    await renderPreview();
  }

  action.addEventListener('change', () => void load());
  locale.addEventListener('change', () => void load());
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!saveBtn) return;
    void busy(saveBtn, async () => {
      try {
        live.cancel();
        const tpl = await api<Template>('PUT', path(), draft());
        draftError.replaceChildren();
        text.value = tpl.text;
        showSource(tpl);
        announce(t('templates.saved', { language: LANGUAGE_NAMES[locale.value as keyof typeof LANGUAGE_NAMES] }), 'ok');
        ++generation;
        await renderPreview();
      } catch (e) {
        notice.replaceChildren(errorView(e));
      }
    });
  });
  resetBtn?.addEventListener('click', async () => {
    if (!(await confirmDialog(t('templates.resetTitle'), t('templates.resetConfirm'), t('templates.reset')))) return;
    await busy(resetBtn, async () => {
      try {
        await api('DELETE', path());
        announce(t('templates.resetDone'), 'ok');
        await load();
      } catch (e) {
        notice.replaceChildren(errorView(e));
      }
    });
  });

  return { id: 'templates', label: t('templates.tab'), panel, show: () => load() };
}
