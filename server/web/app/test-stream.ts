// A connection test read while it runs: asked for NDJSON, the API answers one line per stage as
// it starts ({stage, at}), then the result as the last line (or an {error} line should the
// server fail midway); the page shows each stage as it comes (test-progress.ts).

import { ApiError, parseJson, refusal, send, session, type TestResult } from './api.js';
import { t } from './i18n/index.js';

const NDJSON = 'application/x-ndjson';

/** Posts a connection test; `onStage` hears each stage as it starts; resolves with the result. */
export async function testWithStages(path: string, body: unknown, onStage: (stage: string) => void): Promise<TestResult> {
  const key = session.key();
  const res = await send('POST', path, body, key, { accept: NDJSON });
  if (!res.ok || !res.body) throw refusal(res.status, parseJson(await res.text()), key);
  // A server that answered plain JSON (an older Envoi, a proxy that rewrote Accept): the result alone.
  if (!res.headers.get('content-type')?.startsWith(NDJSON)) return parseJson(await res.text()) as TestResult;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  let result: TestResult | undefined;
  const take = (line: string) => {
    const value = parseJson(line) as (Partial<TestResult> & { at?: number; error?: unknown }) | undefined;
    if (!value) return;
    if (value.error) throw refusal(res.status >= 400 ? res.status : 500, value, key);
    if (value.ok === undefined && value.at !== undefined && value.stage) onStage(value.stage);
    else result = value as TestResult;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending += value;
      for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
        take(pending.slice(0, i));
        pending = pending.slice(i + 1);
      }
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    pending = ''; // the stream broke off: without its last line there is no result
  }
  take(pending);
  if (!result) throw new ApiError(0, 'NETWORK', t('api.noAnswer'), t('api.noAnswerHint'));
  return result;
}
