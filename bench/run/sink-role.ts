/** Role sink: an SMTP server on 127.0.0.1 in its own process, like a real relay, counting what it receives. */
import { countingSink } from '../support/sink.js';
import { serveParent } from './ipc.js';
import { procStats } from './numbers.js';

export async function sinkRole(): Promise<void> {
  const sink = await countingSink();
  serveParent(
    {
      port: () => sink.port,
      count: () => ({ count: sink.count, bytes: sink.bytes }),
      stats: () => procStats(),
      /** Answers once `target` mails have been received, or at the timeout. */
      waitFor: ({ target, timeoutMs }: { target: number; timeoutMs: number }) => sink.waitForCount(target, timeoutMs),
    },
    () => sink.close(),
  );
}
