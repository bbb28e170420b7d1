import nodemailer from 'nodemailer';
import { SendFailure } from '../results.js';
import { HandOverGate } from '../send-control.js';
import { vettedAddresses } from './smtp-host.js';
import { smtpTransportOptions } from './smtp-options.js';
/** Where sendMail's options carry a send's gate to the stream plugin below. */
export const GATE = 'envoiGate';
/**
 * The pooled SMTP transports: one per connection, cached by id and version, closed and evicted
 * when the connection changes. No process-wide transport.
 */
export class SmtpTransports {
    reach;
    transports = new Map();
    creating = new Map();
    constructor(reach) {
        this.reach = reach;
    }
    /**
     * The pooled transport of a connection, created on first use. Sends that start together share
     * one creation: each making its own would open a pool apiece, past pool.maxConnections.
     */
    async get(conn) {
        const key = `${conn.id}:${conn.version}`;
        const cached = this.transports.get(conn.id);
        if (cached && cached.key === key)
            return cached;
        const pending = this.creating.get(conn.id);
        if (pending && pending.key === key)
            return pending.promise;
        // Assigned before its body passes the first await, so the body may compare against it.
        let promise;
        promise = (async () => {
            const vetted = await vettedAddresses(conn, this.reach);
            if (!vetted.ok)
                throw new SendFailure(vetted.failure);
            const address = vetted.addresses[0];
            const transporter = nodemailer.createTransport(smtpTransportOptions(conn, address, this.reach.config, true));
            // Every message passes its send's gate last, so the send knows when its final dot went out.
            transporter.use('stream', (mail, done) => {
                const gate = mail.data[GATE];
                if (gate instanceof HandOverGate)
                    mail.message.processFunc((input) => gate.attach(input));
                done();
            });
            const entry = { key, transporter, address, users: 0 };
            if (this.creating.get(conn.id)?.promise === promise) {
                const old = this.transports.get(conn.id);
                if (old && old.key !== key)
                    old.transporter.close();
                this.transports.set(conn.id, entry);
            }
            else {
                // Evicted while it was being made: serve the sends that waited for it, then close.
                entry.detached = true;
            }
            return entry;
        })();
        this.creating.set(conn.id, { key, promise });
        try {
            return await promise;
        }
        finally {
            if (this.creating.get(conn.id)?.promise === promise)
                this.creating.delete(conn.id);
        }
    }
    /** Closes and forgets the pooled transport of a connection (after an edit or a delete). */
    evict(connectionId) {
        this.creating.delete(connectionId);
        const cached = this.transports.get(connectionId);
        if (!cached)
            return;
        this.transports.delete(connectionId);
        cached.transporter.close();
    }
    /** Closes every pooled transport. */
    closeAll() {
        for (const id of [...this.transports.keys()])
            this.evict(id);
    }
}
//# sourceMappingURL=smtp-transports.js.map