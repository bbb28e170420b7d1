// Tab and Shift+Tab cycle inside an open modal dialog (WAI-ARIA APG, dialog (modal) pattern):
// showModal() makes the page behind inert, but Tab past the last control would otherwise leave
// for the browser's own toolbar.

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** Inside a closed <details> only its summary is reachable. */
const hiddenInDetails = (el: Element): boolean => {
  const closed = el.closest('details:not([open])');
  return !!closed && !(el.tagName === 'SUMMARY' && el.parentElement === closed);
};

/** The controls of `root` that Tab reaches, in order (visible ones only). */
export function tabbables(root: Element): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.tabIndex >= 0 && el.getClientRects().length > 0 && !el.closest('[inert]') && !hiddenInDetails(el));
}

export function trapFocus(dialog: HTMLDialogElement): void {
  dialog.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Tab') return;
    const list = tabbables(dialog);
    const first = list[0];
    const last = list[list.length - 1];
    if (!first || !last) return;
    const active = document.activeElement;
    if (ev.shiftKey && (active === first || !dialog.contains(active))) {
      ev.preventDefault();
      last.focus();
    } else if (!ev.shiftKey && (active === last || !dialog.contains(active))) {
      ev.preventDefault();
      first.focus();
    }
  });
}
