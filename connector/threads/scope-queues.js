/**
 * Waiting jobs, one FIFO queue per scope, served round robin: the scope served last goes to the
 * back of the ring, so a scope with a thousand jobs waiting and a scope with one take turns.
 */
export class ScopeQueues {
    // A Map iterates in insertion order; deleting and re-adding a scope moves it to the back.
    queues = new Map();
    count = 0;
    get size() {
        return this.count;
    }
    /** Adds a job at the back of its scope's queue (`front`: at the front, e.g. a job to run again). */
    push(scope, item, front = false) {
        const q = this.queues.get(scope);
        if (!q)
            this.queues.set(scope, [item]);
        else if (front)
            q.unshift(item);
        else
            q.push(item);
        this.count++;
    }
    /** Takes the head job of the first scope in turn that `ok` accepts, and sends that scope to the back. */
    take(ok) {
        for (const [scope, q] of this.queues) {
            if (!ok(scope, q[0]))
                continue;
            const item = q.shift();
            this.queues.delete(scope);
            if (q.length)
                this.queues.set(scope, q);
            this.count--;
            return { scope, item };
        }
        return undefined;
    }
    /** Whether a scope other than `scope` has jobs waiting. */
    othersWaiting(scope) {
        return this.queues.size > (this.queues.has(scope) ? 1 : 0);
    }
    /** Empties every queue and returns what was in them. */
    drain() {
        const all = [...this.queues.values()].flat();
        this.queues.clear();
        this.count = 0;
        return all;
    }
}
//# sourceMappingURL=scope-queues.js.map