/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `every` ms until it holds; throws `timed out waiting for <what>` after `ms`. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, ms: number, every = 50): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

/**
 * Polls `read` every `every` ms until `done(value)` holds and returns that value; after `ms` it throws
 * the error `timeout(lastValue)` describes (the value is read at least once, before the deadline is checked).
 */
export async function pollFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeout: (last: T) => string, ms: number, every = 50): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(timeout(value));
    await sleep(every);
  }
}
