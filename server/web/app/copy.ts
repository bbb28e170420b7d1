// A record the admin pastes into a DNS panel: shown whole in a read-only code block with a Copy
// button (the Clipboard API; where the page is not a secure context, the text is selected instead).

import { announce, h } from './dom.js';
import { t } from './i18n/index.js';

/** `label` names the value in a sentence (already translated), e.g. “the record of s1”. */
export function copyable(label: string, value: string): HTMLElement {
  const code = h('code', { class: 'record', tabindex: 0 }, value);
  const button = h('button', { type: 'button', class: 'btn small', 'aria-label': t('copy.label', { what: label }) }, t('copy.button'));
  button.addEventListener('click', () => {
    const done = () => announce(t('copy.done', { what: label }), 'ok');
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(value).then(done, () => select(code));
    } else {
      select(code);
      announce(t('copy.manual', { what: label }), 'info');
    }
  });
  return h('div', { class: 'copyable' }, code, button);
}

function select(el: HTMLElement): void {
  const range = document.createRange();
  range.selectNodeContents(el);
  const sel = window.getSelection();
  sel?.removeAllRanges();
  sel?.addRange(range);
}
