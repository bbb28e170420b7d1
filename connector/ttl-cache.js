/**
 * Values remembered for a short time, looked up once however many callers ask meanwhile (no
 * stampede when an entry expires). A lookup that fails, or finds nothing worth keeping, is not
 * remembered: the next caller looks again.
 */
export class TtlCache {
    opts;
    entries = new Map();
    constructor(opts) {
        this.opts = opts;
    }
    async get(key, load) {
        const now = Date.now();
        const hit = this.entries.get(key);
        if (hit && hit.until > now)
            return hit.value;
        const value = load();
        if (this.entries.size >= this.opts.max)
            this.entries.clear();
        this.entries.set(key, { value, until: now + this.opts.ttlMs });
        const forget = () => {
            // Only this lookup's entry: a clear() meanwhile may have made room for a newer one.
            if (this.entries.get(key)?.value === value)
                this.entries.delete(key);
        };
        try {
            const v = await value;
            if (this.opts.keep && !this.opts.keep(v))
                forget();
            return v;
        }
        catch (err) {
            forget();
            throw err;
        }
    }
    delete(key) {
        this.entries.delete(key);
    }
    clear() {
        this.entries.clear();
    }
}
//# sourceMappingURL=ttl-cache.js.map