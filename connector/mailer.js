import { PROVIDERS, providerOf } from './providers/registry.js';
/**
 * The single path every mail takes to a provider: a lookup of the connection's provider in the
 * registry. It fills the sender from the connection (From with display name, Reply-To
 * defaulting to the sender), so no caller can forget it.
 */
export class Mailer {
    drivers;
    constructor(runtime) {
        this.drivers = new Map(Object.values(PROVIDERS).map((p) => [p.key, p.connect(runtime)]));
    }
    driver(conn) {
        const d = this.drivers.get(conn.provider);
        if (!d)
            throw new Error(`No provider "${conn.provider}"`);
        return d;
    }
    /** Adds From and Reply-To of the connection to a message. */
    envelopeFor(conn, message) {
        const s = conn.settings;
        return {
            ...message,
            from: s.senderName ? { name: s.senderName, address: s.senderEmail } : s.senderEmail,
            replyTo: message.replyTo ?? s.replyTo ?? s.senderEmail,
        };
    }
    /**
     * Checks, before a message is queued, what would refuse it for certain at send time: a host
     * that now resolves to a forbidden address, or a provider this version cannot send through.
     */
    preflight(conn) {
        return this.driver(conn).preflight(conn);
    }
    /**
     * Sends an already built MIME message (the outbox's) with its envelope. `message.control` lets a
     * stopping worker release a send that has not reached the server (see SendControl).
     */
    sendRaw(conn, message) {
        return this.driver(conn).send(conn, message);
    }
    test(conn) {
        return this.driver(conn).test(conn);
    }
    /** Whether the provider needs Bcc recipients in the MIME headers (an API reading recipients from the message). */
    static keepsBcc(conn) {
        return providerOf(conn.provider).keepsBcc;
    }
    /** Closes the cached transport (or tokens) of a connection that changed or was deleted. */
    evict(connectionId) {
        for (const d of this.drivers.values())
            d.evict(connectionId);
    }
    close() {
        for (const d of this.drivers.values())
            d.close();
    }
}
//# sourceMappingURL=mailer.js.map