import type { Request, Response } from 'express';
import type { StageListener, TestResult } from '../connector/providers/results.js';

/** The media type of a connection test's progress: newline-delimited JSON, one object a line. */
export const NDJSON = 'application/x-ndjson';

/**
 * Answers a connection test the way the client asked (RFC 9110 §12.5.1): JSON by default, the
 * result alone, exactly as before; with `Accept: application/x-ndjson`, a line
 * `{"stage","at"}` for each stage as it starts (`at`: milliseconds since the request) and then the
 * result as the last line. The status and headers go out with the first line, so a request the
 * test refuses before it starts (400, 404) still answers with the error and its status. A failure
 * after that ends the stream with an `{"error"}` line (see errors.ts).
 */
export async function answerTest(req: Request, res: Response, run: (onStage?: StageListener) => Promise<TestResult>): Promise<TestResult | undefined> {
  if (req.accepts(['application/json', NDJSON]) !== NDJSON) return run();
  const started = Date.now();
  const line = (value: unknown) => {
    // A client that went away misses the rest; the test still ends (and records a pass) as usual.
    if (res.destroyed) return;
    if (!res.headersSent) {
      // No-store, and no buffering by a proxy (nginx reads X-Accel-Buffering): each line as it comes.
      res.status(200).set({ 'content-type': `${NDJSON}; charset=utf-8`, 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    }
    res.write(`${JSON.stringify(value)}\n`);
  };
  const result = await run((stage) => line({ stage, at: Date.now() - started }));
  line(result);
  res.end();
  return undefined;
}
