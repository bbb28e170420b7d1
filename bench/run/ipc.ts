/**
 * The bench's processes and how they talk: main forks run.js again with `--role sink` or
 * `--role sut`, and calls the child's commands over fork()'s IPC channel, each with a timeout.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProcStats } from './numbers.js';
import { SUT_ARGS } from './settings.js';

type Request = { id: number; cmd: string; args?: unknown };
type Reply = { id: number; ok: boolean; result?: unknown; error?: string };

/** The entry point every child runs. */
const ENTRY = fileURLToPath(new URL('../run.js', import.meta.url));

/** Every child still running, for the watchdog and a failed run to kill. */
export const children = new Set<ChildProcess>();

export class Child {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly exited: Promise<void>;

  private constructor(readonly role: string, readonly proc: ChildProcess) {
    proc.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${role}: ${m.error}`));
    });
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        children.delete(proc);
        for (const p of this.pending.values()) {
          clearTimeout(p.timer);
          p.reject(new Error(`${role} process exited (${signal ?? code})`));
        }
        this.pending.clear();
        resolve();
      });
    });
  }

  static async spawn(role: 'sink' | 'sut'): Promise<Child> {
    // --expose-gc so memory figures can be taken after a collection.
    const proc = fork(ENTRY, ['--role', role], { execArgv: ['--expose-gc', ...(role === 'sut' ? SUT_ARGS : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.add(proc);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${role} did not start`)), 20_000);
      proc.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${role} exited at start (${code})`));
      });
    });
    return new Child(role, proc);
  }

  call<T>(cmd: string, args?: unknown, timeoutMs = 60_000): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.role} ${cmd}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.proc.send({ id, cmd, args } satisfies Request);
    });
  }

  stats(): Promise<ProcStats> {
    return this.call<ProcStats>('stats');
  }

  /** Asks the child to clean up and exit; kills it if it has not exited within 15 s. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    await this.call('exit', undefined, 15_000).catch(() => {});
    const killer = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(killer);
  }
}

/** The child side: answers the parent's requests with `handlers`. */
export function serveParent(handlers: Record<string, (args: any) => Promise<unknown> | unknown>, cleanup: () => Promise<void>): void {
  process.on('disconnect', () => {
    void cleanup().finally(() => process.exit(0));
  });
  process.on('message', (m: Request) => {
    void (async () => {
      if (m.cmd === 'exit') {
        await cleanup().catch((err) => console.error(err));
        process.send!({ id: m.id, ok: true } satisfies Reply, () => process.exit(0));
        return;
      }
      const h = handlers[m.cmd];
      try {
        if (!h) throw new Error(`unknown command ${m.cmd}`);
        const result = await h(m.args);
        process.send!({ id: m.id, ok: true, result } satisfies Reply);
      } catch (err) {
        process.send!({ id: m.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies Reply);
      }
    })();
  });
  process.send!({ ready: true });
}
