/**
 * One HTTP call to an email API, as every API provider makes it: a deadline, a bounded answer,
 * and fetch failures read onto the catalogue (./classify-http.ts). Endpoints come only from the
 * operator's environment (design.md "Environment"), never from a connection, so no tenant can
 * point Envoi's credentials at a host of its choosing; the network policy is for tenants' hosts.
 */
import { SendFailure } from '../results.js';
import { SendReleased, type SendControl } from '../send-control.js';
import { classifyFetchError, type FetchTarget } from './classify-http.js';

/** An API's answer, read whole (bounded). */
export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface ApiRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string | Buffer | FormData | URLSearchParams;
  /** `auth` for a credential check or token request, `send` for the message itself. */
  stage: 'auth' | 'send';
  /** What is called, as a person reads it in a failure ("SendGrid's API"). */
  what: string;
  target: FetchTarget;
  timeoutMs?: number;
  /**
   * The worker's shutdown signals (a send's `message.control`): released before the request
   * starts, the send gives up and can never go out; at the deadline a request in flight stops
   * waiting, and as the API may have taken it, its outcome is unknown.
   */
  control?: SendControl | undefined;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Answers are small JSON documents; a larger one is cut here, not held whole in memory. */
const MAX_ANSWER_BYTES = 1024 * 1024;

async function readBounded(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      break;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Calls the API; a failure to reach it (or a lost answer) throws SendFailure. */
export async function apiRequest(r: ApiRequest): Promise<ApiResponse> {
  if (r.control?.release.aborted) throw new SendReleased('before-data');
  const timeout = AbortSignal.timeout(r.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = r.control ? AbortSignal.any([timeout, r.control.deadline]) : timeout;
  let res: Response;
  let text: string;
  try {
    res = await fetch(r.url, { method: r.method ?? 'GET', headers: r.headers, body: (r.body ?? null) as BodyInit | null, signal, redirect: 'error' });
    text = await readBounded(res);
  } catch (err) {
    throw new SendFailure(classifyFetchError(r.stage, r.what, err, r.target));
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
