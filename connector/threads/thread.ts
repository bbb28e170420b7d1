import { parentPort } from 'node:worker_threads';
import type { JobModule, JobReply, JobRequest } from './job.js';
import { toWire } from './wire.js';

// A pool thread: loads job modules by URL (once each) and runs what the main thread sends.
// Jobs are started as they arrive, not one after another: building a message waits on streams,
// and the next job can use that time.
const modules = new Map<string, Promise<JobModule>>();
const load = (url: string): Promise<JobModule> => {
  let m = modules.get(url);
  if (!m) modules.set(url, (m = import(url) as Promise<JobModule>));
  return m;
};

const reply = (r: JobReply) => {
  try {
    parentPort!.postMessage(r);
  } catch (err) {
    // A result that cannot be cloned is the job's bug; report it rather than leave the job hanging.
    parentPort!.postMessage({ n: r.n, error: toWire(err) } satisfies JobReply);
  }
};

parentPort?.on('message', (req: JobRequest) => {
  void (async () => {
    try {
      const mod = await load(req.handler);
      // Said right before the job runs, so its deadline runs from when it got this thread, not
      // from when it was handed over while another job held the thread.
      reply({ n: req.n, started: true });
      const deadline = Date.now() + req.timeoutMs;
      reply({ n: req.n, result: await mod.run(req.payload, { deadline }) });
    } catch (err) {
      reply({ n: req.n, error: toWire(err) });
    }
  })();
});
