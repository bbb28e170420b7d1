import { slowSink, type SmtpSink } from './smtp-sink.js';

/** A sink that records when each mail arrived and takes `delayMs` to accept it. */
export function timedSink(delayMs: number): SmtpSink & { arrivals: number[] } {
  const arrivals: number[] = [];
  return Object.assign(slowSink(delayMs, { recordAfterDelay: true, onArrival: () => arrivals.push(Date.now()) }), { arrivals });
}

/** The most mails that arrived within any window of `ms` milliseconds. */
export function busiestWindow(arrivals: number[], ms: number): number {
  const t = [...arrivals].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
