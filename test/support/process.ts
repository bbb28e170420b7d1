import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** A real `envoi` process (serve or worker), as an operator would run it. */
export class EnvoiProcess {
  child!: ChildProcess;
  url = '';
  readonly output: string[] = [];
  /** What it wrote to stderr alone (its log), chunk by chunk. */
  readonly stderr: string[] = [];
  private exited: Promise<number | null> | undefined;

  constructor(
    private readonly command: 'serve' | 'worker',
    private readonly env: Record<string, string>,
    /** Command-line options after the command (`--demo`). */
    private readonly args: string[] = [],
  ) {}

  /** Starts it and waits for its ready line. */
  async start(timeoutMs = 20_000): Promise<this> {
    const bin = path.resolve('dist/bin/envoi.js');
    this.child = spawn(process.execPath, [bin, this.command, ...this.args], {
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`envoi ${this.command} did not start:\n${this.output.join('')}`)), timeoutMs);
      const onLine = (chunk: Buffer) => {
        const text = chunk.toString();
        this.output.push(text);
        const m = /listening on (http:\/\/\S+)/.exec(text);
        if (m) this.url = m[1]!;
        if (m || /^Envoi worker /m.test(text)) {
          clearTimeout(timer);
          resolve();
        }
      };
      this.child.stdout!.on('data', onLine);
      this.child.stderr!.on('data', (c: Buffer) => {
        this.output.push(c.toString());
        this.stderr.push(c.toString());
      });
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`envoi ${this.command} exited with ${code}:\n${this.output.join('')}`));
      });
    });
    await ready;
    return this;
  }

  /** A JSON request to its API with `key` as the bearer token; the answer's status and parsed body. */
  async call(key: string, method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.url}${url}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves with the exit code once the process ended. */
  wait(): Promise<number | null> {
    return this.exited!;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await this.wait();
    }
  }
}
