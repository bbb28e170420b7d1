// A request that follows typing: it runs once the typing pauses, and a newer one aborts the one
// in flight, so only the answer to the latest text is ever shown (the template editor's preview).

export interface LiveRequest {
  /** Asks again after the pause (each call restarts the wait). */
  schedule(): void;
  /** Drops the waiting request and aborts the one in flight (the editor loaded something else). */
  cancel(): void;
}

export function liveRequest<T>(delayMs: number, request: (signal: AbortSignal) => Promise<T>, answer: { ok(value: T): void; fail(err: unknown): void }): LiveRequest {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: AbortController | undefined;
  const cancel = () => {
    clearTimeout(timer);
    inFlight?.abort();
    inFlight = undefined;
  };
  async function run(): Promise<void> {
    inFlight?.abort();
    const mine = (inFlight = new AbortController());
    try {
      const value = await request(mine.signal);
      if (!mine.signal.aborted) answer.ok(value);
    } catch (err) {
      if (!mine.signal.aborted) answer.fail(err);
    }
  }
  return {
    schedule() {
      clearTimeout(timer);
      timer = setTimeout(() => void run(), delayMs);
    },
    cancel,
  };
}
