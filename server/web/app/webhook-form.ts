// The webhook endpoint dialogs: create or edit (URL, description, events, enabled), and the
// secret shown once after create or rotate, with a copy button.

import { api, ApiError, getManifest, scoped, type WebhookEndpoint, type WebhookEndpointWithSecret } from './api.js';
import { errorView } from './error-view.js';
import { busy, h, openDialog, uid } from './dom.js';
import { state } from './state.js';
import { t, tNodes } from './i18n/index.js';

/** The event types a builder's trigger and a webhook may name (the manifest's triggers). */
async function eventTypes(): Promise<Array<{ key: string; title: string }>> {
  const m = await getManifest();
  return (m.triggers ?? []).map((tr) => ({ key: tr.key, title: tr.title }));
}

/** Opens the create (no `endpoint`) or edit dialog; `done` gets the saved endpoint. */
export async function endpointDialog(endpoint: WebhookEndpoint | undefined, done: (saved: WebhookEndpoint | WebhookEndpointWithSecret) => void): Promise<void> {
  const types = await eventTypes();
  const urlId = uid('wh-url');
  const descId = uid('wh-desc');
  const url = h('input', { id: urlId, type: 'url', required: true, maxlength: 2048, placeholder: t('webhooks.urlPlaceholder'), value: endpoint?.url ?? '', autocomplete: 'off' });
  const description = h('input', { id: descId, type: 'text', maxlength: 500, value: endpoint?.description ?? '' });
  const all = !endpoint || endpoint.events.includes('*');
  const allBox = h('input', { type: 'checkbox', checked: all, 'data-event': '*' });
  const boxes = types.map((e) => h('input', { type: 'checkbox', 'data-event': e.key, checked: !all && !!endpoint?.events.includes(e.key), disabled: all }));
  allBox.addEventListener('change', () => boxes.forEach((b) => (b.disabled = allBox.checked)));
  const enabled = h('input', { type: 'checkbox', checked: endpoint ? endpoint.enabled : true });
  const result = h('div', { role: 'status', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'btn primary' }, endpoint ? t('common.save') : t('webhooks.create'));
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: urlId }, `${t('webhooks.col.url')} *`), url, h('p', { class: 'small muted' }, t('webhooks.urlHelp'))),
    h('div', { class: 'field' }, h('label', { for: descId }, t('webhooks.description')), description),
    h(
      'fieldset',
      { class: 'field' },
      h('legend', {}, t('webhooks.col.events')),
      h('label', { class: 'check' }, allBox, ` ${t('webhooks.allEvents')}`),
      ...types.map((e, i) => h('label', { class: 'check' }, boxes[i]!, ` ${e.title} `, h('code', { class: 'small' }, e.key))),
    ),
    h('label', { class: 'check' }, enabled, ` ${t('webhooks.enabled')}`),
    result,
    h('div', { class: 'actions' }, save),
  );
  const d = openDialog(endpoint ? t('webhooks.editTitle') : t('webhooks.newTitle'), [form], { wide: true });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(save, async () => {
      const events = allBox.checked ? ['*'] : boxes.filter((b) => b.checked).map((b) => b.dataset.event!);
      const body = { url: url.value.trim(), events, enabled: enabled.checked, ...(description.value.trim() ? { description: description.value.trim() } : {}) };
      try {
        const saved = endpoint
          ? await api<WebhookEndpoint>('PATCH', scoped(state.scope, `webhooks/${encodeURIComponent(endpoint.id)}`), body)
          : await api<WebhookEndpointWithSecret>('POST', scoped(state.scope, 'webhooks'), body);
        d.close();
        done(saved);
      } catch (e) {
        result.replaceChildren(errorView(e instanceof ApiError ? e : new ApiError(0, 'ERROR', String(e))));
      }
    });
  });
}

/** Shows a secret once, with a copy button; it is never shown again. */
export function secretDialog(title: string, e: WebhookEndpointWithSecret): void {
  const id = uid('wh-secret');
  const field = h('input', { id, type: 'text', readonly: true, value: e.secret, class: 'mono', spellcheck: 'false', autocomplete: 'off' });
  const copied = h('span', { role: 'status', 'aria-live': 'polite', class: 'small' });
  const copy = h('button', { type: 'button', class: 'btn' }, t('copy.button'));
  copy.addEventListener('click', async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(e.secret);
      copied.textContent = t('webhooks.copied');
    } catch {
      // No clipboard permission (an http page, an old browser): the selected text can be copied by hand.
      copied.textContent = t('webhooks.copyManual');
    }
  });
  const d = openDialog(title, [
    h('p', {}, ...tNodes('webhooks.secretIntro', { url: h('code', {}, e.url) })),
    h('div', { class: 'field' }, h('label', { for: id }, t('webhooks.secret')), h('div', { class: 'row' }, field, copy), copied),
    h('p', { class: 'small muted' }, ...tNodes('webhooks.verifyHelp', { code: h('code', {}, 'new Webhook(secret).verify(body, headers)'), package: h('code', {}, 'standardwebhooks') })),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn primary', onclick: () => d.close() }, t('webhooks.done'))),
  ]);
  field.focus();
  field.select();
}
