import { PassThrough, pipeline } from 'node:stream';
/** Thrown by a provider when a send was given up before anything could be delivered. */
export class SendReleased extends Error {
    when;
    constructor(when) {
        super(when === 'before-data' ? 'Released at shutdown before the message was handed to the server' : 'Released at shutdown while the message was streaming, before its end was sent');
        this.when = when;
        this.name = 'SendReleased';
    }
}
/**
 * The last stage of a message stream before nodemailer's DATA stream. nodemailer pipes the message
 * into DATA only once the server answered 354, and writes the final dot (RFC 5321 §4.1.1.4) when
 * the message stream ends; so the first read marks DATA accepted and the end marks the message as
 * handed over. Released before its end, the gate fails instead of ending: no dot is ever written.
 */
export class HandOverGate {
    state = 'waiting';
    stream;
    /** The stage to put after `input` (a nodemailer processFunc). */
    attach(input) {
        const gate = new PassThrough();
        this.stream = gate;
        if (this.state === 'released') {
            gate.destroy(new SendReleased('before-data'));
            input.destroy();
            return gate;
        }
        // Readable.pipe() resumes its source: that happens in nodemailer after the 354 to DATA.
        gate.once('resume', () => {
            if (this.state === 'waiting')
                this.state = 'streaming';
        });
        gate.once('end', () => {
            if (this.state !== 'released')
                this.state = 'handed-over';
        });
        return pipeline(input, gate, () => { });
    }
    /** Gives the send up unless its end was handed over; returns whether it was released. */
    release() {
        if (this.state === 'handed-over')
            return false;
        const when = this.state === 'waiting' ? 'before-data' : 'before-end';
        this.state = 'released';
        this.stream?.destroy(new SendReleased(when));
        return true;
    }
    get handedOver() {
        return this.state === 'handed-over';
    }
}
//# sourceMappingURL=send-control.js.map