/**
 * Values remembered for a short time, looked up once however many callers ask meanwhile (no
 * stampede when an entry expires). A lookup that fails, or finds nothing worth keeping, is not
 * remembered: the next caller looks again.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; until: number }>();

  constructor(private readonly opts: { ttlMs: number; max: number; keep?: (v: V) => boolean }) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = load();
    if (this.entries.size >= this.opts.max) this.entries.clear();
    this.entries.set(key, { value, until: now + this.opts.ttlMs });
    const forget = () => {
      // Only this lookup's entry: a clear() meanwhile may have made room for a newer one.
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    };
    try {
      const v = await value;
      if (this.opts.keep && !this.opts.keep(v)) forget();
      return v;
    } catch (err) {
      forget();
      throw err;
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
