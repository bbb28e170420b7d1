/**
 * The contract between the pool and the modules whose jobs it runs. A job module is loaded by
 * URL on a pool thread and exports `run`; the pool never imports it itself, so a layer above
 * connector/ (actions/) can hand it work without connector/ importing that layer.
 */
export interface JobContext {
  /** Epoch ms by which the job must be done; work that loops checks it and stops early. */
  deadline: number;
}

/** What a job module exports. Jobs are pure: run twice with the same payload, they do the same. */
export interface JobModule<P = unknown, R = unknown> {
  run(payload: P, ctx: JobContext): Promise<R> | R;
}

/** Main thread → pool thread: run one job. */
export interface JobRequest {
  n: number;
  handler: string;
  payload: unknown;
  timeoutMs: number;
}

/** Pool thread → main thread: a job began (its deadline runs from here), or its result. */
export type JobReply =
  | { n: number; started: true }
  | { n: number; result: unknown }
  | { n: number; error: WireError };

/** Structured clone keeps only an Error's message, so an EnvoiError travels as its fields. */
export type WireError =
  | { envoi: { code: string; message: string; hint: string; details?: unknown; extra?: Record<string, unknown> | undefined } }
  | { message: string };
