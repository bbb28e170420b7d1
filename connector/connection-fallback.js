import { EnvoiError } from './errors.js';
/** The longest chain of connections a mail may go through, the primary included (design.md "Failover"). */
export const MAX_CHAIN = 3;
function cycle() {
    return new EnvoiError('FALLBACK_CYCLE', 'The fallback leads back to this connection', {
        details: [{ path: '/fallback', message: 'would make a cycle of fallbacks' }],
    });
}
/**
 * Checks the scope's fallback links once `id` falls back to `fallbackId` (null: to none): no
 * connection may come back to itself (FALLBACK_CYCLE), and no chain, counted from any
 * connection of the scope, may hold more than MAX_CHAIN connections (VALIDATION_FAILED).
 */
export function checkFallbackLinks(links, id, fallbackId) {
    if (fallbackId === null)
        return;
    if (fallbackId === id)
        throw cycle();
    const next = new Map(links).set(id, fallbackId);
    for (const start of next.keys()) {
        const seen = new Set();
        for (let at = start; at; at = next.get(at)) {
            if (seen.has(at))
                throw cycle();
            seen.add(at);
        }
        if (seen.size > MAX_CHAIN) {
            throw new EnvoiError('VALIDATION_FAILED', `A chain of fallbacks holds at most ${MAX_CHAIN} connections, the first included; this one would hold ${seen.size}`, {
                hint: `Point the fallback at a connection that has no fallback of its own, or shorten the chain to ${MAX_CHAIN} connections.`,
                details: [{ path: '/fallback', message: `makes a chain of ${seen.size} connections (at most ${MAX_CHAIN})` }],
            });
        }
    }
}
/**
 * The id of the fallback named by `ref` (an id or exact name of another connection of the scope)
 * for connection `self`, once the link is known to make no cycle and no chain longer than
 * MAX_CHAIN; null when none is named.
 */
export async function fallbackFor(store, self, ref) {
    if (ref === undefined)
        return null;
    if (ref === self.id || ref === self.name)
        throw cycle();
    const target = await store.findByRef(self.scope, ref);
    if (!target)
        throw unknownFallback(ref);
    checkFallbackLinks(await store.fallbackLinks(self.scope), self.id, target.id);
    return target.id;
}
function unknownFallback(ref) {
    return new EnvoiError('VALIDATION_FAILED', `No connection "${ref}" in this scope to fall back to`, {
        hint: 'Name the fallback by the id or the exact name of another connection of the same scope.',
        details: [{ path: '/fallback', message: 'is not a connection of this scope' }],
    });
}
//# sourceMappingURL=connection-fallback.js.map