// Narrow screens show each table row as a card (style.css, "Tables as cards"): every cell then
// says which column it is from `data-label`, copied here from the column headers whatever module
// drew the table (and in whatever language), so no table's code has to know about it.

const labelRow = (row: HTMLTableRowElement) => {
  const head = row.closest('table')?.tHead?.rows[0];
  if (!head || row.parentElement === row.closest('table')?.tHead) return;
  let col = 0;
  for (const cell of Array.from(row.cells)) {
    const th = head.cells[col];
    const label = th?.textContent?.trim() ?? '';
    if (label && cell.colSpan === 1) cell.dataset.label = label;
    else delete cell.dataset.label;
    col += cell.colSpan;
  }
};

const labelWithin = (node: Node) => {
  if (!(node instanceof Element)) return;
  if (node instanceof HTMLTableRowElement) labelRow(node);
  for (const row of Array.from(node.querySelectorAll('tr'))) labelRow(row);
};

/** Labels the cells of every table row there is and every one added later. */
export function labelTableCells(root: HTMLElement = document.body): void {
  labelWithin(root);
  new MutationObserver((records) => {
    for (const r of records) for (const n of Array.from(r.addedNodes)) labelWithin(n);
  }).observe(root, { childList: true, subtree: true });
}
