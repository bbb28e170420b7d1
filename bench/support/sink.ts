/**
 * The benches' SMTP sink: test/support's SmtpSink (a real smtp-server on 127.0.0.1:0, plain, no
 * AUTH) with a DATA handler that counts messages and bytes and parses nothing, so the process that
 * hosts it pays no mailparser per mail.
 */
import { performance } from 'node:perf_hooks';
import { SmtpSink } from '../../test/support/smtp-sink.js';

export interface CountingSink {
  readonly port: number;
  /** Messages received so far (DATA ended and answered). */
  readonly count: number;
  /** Bytes of message data received so far. */
  readonly bytes: number;
  /** performance.now() when the last message was answered (0 before the first). */
  readonly lastAt: number;
  /** Resolves once `target` messages have been received, or with reached false at the timeout. */
  waitForCount(target: number, timeoutMs: number): Promise<{ reached: boolean; count: number }>;
  close(): Promise<void>;
}

/** `delayMs`: hold each message that long before answering it, as a real relay takes time per message. */
export async function countingSink(options: { delayMs?: number } = {}): Promise<CountingSink> {
  let count = 0;
  let bytes = 0;
  let lastAt = 0;
  let waiters: Array<{ target: number; resolve: () => void }> = [];
  const received = () => {
    count++;
    lastAt = performance.now();
    if (waiters.length && waiters.some((w) => count >= w.target)) {
      const due = waiters.filter((w) => count >= w.target);
      waiters = waiters.filter((w) => count < w.target);
      for (const w of due) w.resolve();
    }
  };
  const sink = await new SmtpSink({
    tls: 'none',
    server: {
      // No SIZE in the EHLO reply, as a bare smtp-server: clients then send the same commands as before.
      size: undefined,
      onData(stream, _session, cb) {
        stream.on('data', (c: Buffer) => {
          bytes += c.length;
        });
        stream.on('end', () => {
          if (!options.delayMs) {
            received();
            cb();
            return;
          }
          setTimeout(() => {
            received();
            cb();
          }, options.delayMs);
        });
      },
    },
  }).start();
  return {
    port: sink.port,
    get count() {
      return count;
    },
    get bytes() {
      return bytes;
    },
    get lastAt() {
      return lastAt;
    },
    waitForCount: (target, timeoutMs) =>
      new Promise((resolve) => {
        if (count >= target) return resolve({ reached: true, count });
        const w = {
          target,
          resolve: () => {
            clearTimeout(timer);
            resolve({ reached: true, count });
          },
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((x) => x !== w);
          resolve({ reached: false, count });
        }, timeoutMs);
        waiters.push(w);
      }),
    close: () => sink.close(),
  };
}
