// Small DOM helpers for the admin page. Text always goes in through textContent, never as HTML.

import { bytesText, dateTime, t } from './i18n/index.js';
import { trapFocus } from './focus-trap.js';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Creates an element: `h('button', { class: 'btn', onclick: fn }, 'Save')`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Child | Child[]>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, ...children);
  return el;
}

/** Appends children, skipping empty ones; strings become text nodes. */
/** A data table with a caption for screen readers and column headers; rows go into `tbody`. */
export function dataTable(caption: string, columns: string[], columnClass: (column: string) => string | undefined = () => undefined): { table: HTMLTableElement; tbody: HTMLTableSectionElement } {
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'data' },
    h('caption', { class: 'visually-hidden' }, caption),
    // A column without a name (row buttons) gets a plain cell: an empty header is no header.
    h('thead', {}, h('tr', {}, ...columns.map((t) => (t ? h('th', { scope: 'col', class: columnClass(t) }, t) : h('td', { class: columnClass(t) }))))),
    tbody,
  );
  return { table, tbody };
}

export function append(el: Element, ...children: Array<Child | Child[]>): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** Replaces an element's children, skipping empty ones. */
export function fill(el: Element, ...children: Array<Child | Child[]>): void {
  el.replaceChildren();
  append(el, ...children);
}

let counter = 0;
/** A unique id for label/aria links. */
export const uid = (prefix: string): string => `${prefix}-${++counter}`;

/**
 * Says something: in the always-present polite live region (#announcer, for screen readers) and
 * in the visible banner at the top of the page.
 */
export function announce(message: string, kind: 'ok' | 'error' | 'info' = 'info', hint?: string | null): void {
  speak(hint ? `${message} ${hint}` : message);
  const banner = document.getElementById('banner');
  if (!banner) return;
  banner.replaceChildren();
  banner.className = `banner ${kind}`;
  banner.hidden = false;
  append(banner, h('p', { class: 'banner-text' }, h('strong', {}, message), hint ? h('span', { class: 'hint' }, ` ${hint}`) : null));
  banner.append(h('button', { type: 'button', class: 'btn link', 'aria-label': t('common.dismiss'), onclick: () => clearBanner() }, '×'));
}

/** Says something to screen readers only (when the page already shows it, e.g. at a field). */
export function speak(text: string): void {
  const live = document.getElementById('announcer');
  if (live) live.textContent = text;
}

export function clearBanner(): void {
  const banner = document.getElementById('banner');
  if (banner) {
    banner.replaceChildren();
    banner.hidden = true;
  }
}

/** A status badge. */
export const badge = (text: string, kind = 'neutral', title?: string): HTMLElement => h('span', { class: `badge ${kind}`, title }, text);

/** A readable local time, with the ISO value kept for tooltips. */
export function time(iso: string | null | undefined): HTMLElement | string {
  if (!iso) return '—';
  const d = new Date(iso);
  return h('time', { datetime: iso, title: iso }, dateTime(d));
}

export function bytes(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : bytesText(n);
}

/**
 * A modal dialog built on <dialog>: Escape closes it (the browser's cancel), focus goes to its
 * first field, and it is removed from the page once closed.
 */
export function openDialog(title: string, body: Node[], options: { wide?: boolean; onClose?: () => void } = {}): { dialog: HTMLDialogElement; close(): void } {
  const titleId = uid('dlg-title');
  const dialog = h('dialog', { class: options.wide ? 'dialog wide' : 'dialog', 'aria-labelledby': titleId });
  const close = () => dialog.close();
  // Focus goes back where it was when the dialog closes (WAI-ARIA APG, dialog pattern), should
  // the opener still be on the page and onClose not have put focus elsewhere.
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  append(
    dialog,
    h('div', { class: 'dialog-head' }, h('h2', { id: titleId }, title), h('button', { type: 'button', class: 'btn link close', 'aria-label': t('common.close'), onclick: close }, '×')),
    h('div', { class: 'dialog-body' }, ...body),
  );
  dialog.addEventListener('close', () => {
    dialog.remove();
    options.onClose?.();
    if (opener?.isConnected && (!document.activeElement || document.activeElement === document.body)) opener.focus();
  });
  trapFocus(dialog);
  document.body.append(dialog);
  dialog.showModal();
  focusFirst(dialog);
  return { dialog, close };
}

/** Focuses the first form field of a container (else its first button). */
export function focusFirst(root: Element): void {
  const field = root.querySelector<HTMLElement>('.dialog-body input:not([type=hidden]):not([disabled]), .dialog-body select, .dialog-body textarea')
    ?? root.querySelector<HTMLElement>('input:not([type=hidden]):not([disabled]), select, textarea, .dialog-body button');
  field?.focus();
}

/** Asks for confirmation in a dialog; resolves true when confirmed. */
export function confirmDialog(title: string, message: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = false;
    const yes = h('button', { type: 'button', class: 'btn danger', onclick: () => { answer = true; d.close(); } }, confirmLabel);
    const no = h('button', { type: 'button', class: 'btn', onclick: () => d.close() }, t('common.cancel'));
    const d = openDialog(title, [h('p', {}, message), h('div', { class: 'actions' }, yes, no)], { onClose: () => resolve(answer) });
    no.focus();
  });
}

/** Runs an async click handler with the button disabled and marked busy meanwhile. */
export async function busy<T>(button: HTMLButtonElement, fn: () => Promise<T>): Promise<T | undefined> {
  if (button.disabled) return undefined;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/**
 * Mail HTML in a sandboxed frame: no scripts, no same-origin access, no navigation, no popups;
 * the page's CSP still applies inside (no remote images).
 */
export function mailFrame(html: string, title: string): HTMLIFrameElement {
  const frame = h('iframe', { class: 'mail-frame', sandbox: '', title, referrerpolicy: 'no-referrer' });
  frame.srcdoc = html;
  return frame;
}

/** Downloads bytes as a file (used for create-ics). */
export function downloadLink(filename: string, contentType: string, base64: string): HTMLAnchorElement {
  const bin = atob(base64);
  const buf = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) buf[i] = bin.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([buf], { type: contentType.split(';')[0] || 'application/octet-stream' }));
  return h('a', { href: url, download: filename, class: 'btn' }, t('common.download', { filename }));
}
