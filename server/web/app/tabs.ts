// What every tab module gives the shell: a panel and what to do when it is shown.

export interface Tab {
  id: string;
  label: string;
  panel: HTMLElement;
  /** Loads (or reloads) the tab's data for the current scope. */
  show(): Promise<void>;
}
