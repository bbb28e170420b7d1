// A record the admin pastes into a DNS panel: shown whole in a read-only code block with a Copy
// button (the Clipboard API; where the page is not a secure context, the text is selected instead).

import { announce, h } from './dom.js';

export function copyable(label: string, value: string): HTMLElement {
  const code = h('code', { class: 'record', tabindex: 0 }, value);
  const button = h('button', { type: 'button', class: 'btn small', 'aria-label': `Copy ${label}` }, 'Copy');
  button.addEventListener('click', () => {
    const done = () => announce(`${label} copied.`, 'ok');
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(value).then(done, () => select(code));
    } else {
      select(code);
      announce(`Press Ctrl+C (⌘C) to copy ${label}.`, 'info');
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
