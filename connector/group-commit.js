/**
 * Group commit: the first item is written at once, and the items that arrive while a write runs
 * go together in the next one. Under load that turns one database round trip per item into one
 * per group; an item that arrives alone waits for nothing.
 */
export class GroupCommit {
    write;
    opts;
    queue = [];
    running = false;
    /**
     * `write` writes a group and returns one result per item, in order. With `oneByOne`, a group
     * that fails is written again item by item, so one bad item fails alone.
     */
    constructor(write, opts) {
        this.write = write;
        this.opts = opts;
    }
    add(item) {
        return new Promise((resolve, reject) => {
            this.queue.push({ item, resolve, reject });
            if (!this.running)
                void this.drain();
        });
    }
    async drain() {
        this.running = true;
        while (this.queue.length) {
            const group = this.queue.splice(0, this.opts.max);
            try {
                const results = await this.write(group.map((g) => g.item));
                group.forEach((g, i) => g.resolve(results[i]));
            }
            catch (err) {
                if (!this.opts.oneByOne || group.length === 1) {
                    for (const g of group)
                        g.reject(err);
                    continue;
                }
                for (const g of group)
                    await this.write([g.item]).then((r) => g.resolve(r[0]), g.reject);
            }
        }
        this.running = false;
    }
}
//# sourceMappingURL=group-commit.js.map