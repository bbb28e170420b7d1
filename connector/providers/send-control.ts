import { PassThrough, type Readable } from 'node:stream';

/**
 * How a worker stops a send at shutdown. `release` fires first: a send that has not reached the
 * server's DATA yet gives up at once and can never go out afterwards. `deadline` fires when the
 * grace period is over: a send still streaming is cut before its final dot (so it never goes
 * out), and one whose final dot was handed over stops waiting for the reply (its outcome is unknown).
 */
export interface SendControl {
  release: AbortSignal;
  deadline: AbortSignal;
}

/** Thrown by a provider when a send was given up before anything could be delivered. */
export class SendReleased extends Error {
  constructor(readonly when: 'before-data' | 'before-end') {
    super(when === 'before-data' ? 'Released at shutdown before the message was handed to the server' : 'Released at shutdown while the message was streaming, before its end was sent');
    this.name = 'SendReleased';
  }
}

/** Where a message is on its way to the server. */
export type GateState = 'waiting' | 'streaming' | 'handed-over' | 'released';

/**
 * The last stage of a message stream before nodemailer's DATA stream. nodemailer pipes the message
 * into DATA only once the server answered 354, and writes the final dot (RFC 5321 §4.1.1.4) when
 * the message stream ends; so the first read marks DATA accepted and the end marks the message as
 * handed over. Released before its end, the gate fails instead of ending: no dot is ever written.
 */
export class HandOverGate {
  state: GateState = 'waiting';
  private stream: PassThrough | undefined;

  /** The stage to put after `input` (a nodemailer processFunc). */
  attach(input: Readable): Readable {
    const gate = new PassThrough();
    this.stream = gate;
    if (this.state === 'released') {
      gate.destroy(new SendReleased('before-data'));
      input.destroy();
      return gate;
    }
    // Readable.pipe() resumes its source: that happens in nodemailer after the 354 to DATA.
    gate.once('resume', () => {
      if (this.state === 'waiting') this.state = 'streaming';
    });
    gate.once('end', () => {
      if (this.state !== 'released') this.state = 'handed-over';
    });
    // Joined by hand rather than with stream.pipeline, which made an AbortController per message
    // and aborted it (building a DOMException) at every end: 4 % of a worker's CPU in the bench.
    // What pipeline did that matters is kept: an error on either side ends both, and neither side's
    // error goes unheard (nodemailer listens on the gate too).
    input.once('error', (err) => gate.destroy(err));
    gate.once('close', () => {
      if (!input.readableEnded) input.destroy();
    });
    gate.on('error', () => {});
    return input.pipe(gate);
  }

  /** Gives the send up unless its end was handed over; returns whether it was released. */
  release(): boolean {
    if (this.state === 'handed-over') return false;
    const when = this.state === 'waiting' ? 'before-data' : 'before-end';
    this.state = 'released';
    this.stream?.destroy(new SendReleased(when));
    return true;
  }

  get handedOver(): boolean {
    return this.state === 'handed-over';
  }
}
