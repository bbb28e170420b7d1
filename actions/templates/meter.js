import { budgetExceeded } from '../../connector/threads/budget.js';
/** Iterations of {{#each}} one message may run, all loops together. */
export const MAX_ITERATIONS = 100_000;
/**
 * The running account of one message's rendering. Only {{#each}} multiplies a template's work
 * and output (three nested loops over 200 items rendered for 4.9 s; one loop over a large value
 * rendered 202 MB), so the loop itself checks the account on every turn and stops early.
 */
export class RenderMeter {
    budget;
    iterations = 0;
    /** Output of the fields rendered so far (subject, html, text). */
    rendered = 0;
    /** Output of the fields already rendered plus the finished outermost loops of this field. */
    committed = 0;
    depth = 0;
    /** Characters the enclosing loops have built so far (a nested loop's output adds to theirs). */
    outer = 0;
    constructor(budget) {
        this.budget = budget;
    }
    /** One more loop turn whose loop has built `local` characters so far. */
    tick(local) {
        if (++this.iterations > MAX_ITERATIONS)
            throw budgetExceeded('iterations', `The template loops more than ${MAX_ITERATIONS} times ({{#each}} turns, all loops together)`);
        this.checkOutput(this.committed + local);
        if ((this.iterations & 63) === 0 && Date.now() > this.budget.deadline)
            throw budgetExceeded('time', 'Rendering the template took longer than its budget and was stopped');
    }
    checkOutput(chars) {
        if (chars > this.budget.maxOutput)
            throw budgetExceeded('output', `The template renders to more than ${this.budget.maxOutput} characters, the message size limit`);
    }
}
/** The meter of the render running now (rendering is synchronous, so one at a time per thread). */
let current;
/** Runs `render` with `meter` as the account its loops charge. */
export function metered(meter, render) {
    const outer = current;
    current = meter;
    try {
        return render();
    }
    finally {
        current = outer;
    }
}
/**
 * Handlebars' `each` (arrays and objects, @index/@key/@first/@last, block params, else), charging
 * every turn to the current meter. Data is JSON, so there are no functions or iterables to handle.
 */
export function meteredEach(hb) {
    return function each(context, options) {
        const meter = current;
        const frame = options.data ? hb.createFrame(options.data) : undefined;
        let out = '';
        let turns = 0;
        const base = meter?.outer ?? 0;
        if (meter)
            meter.depth++;
        try {
            const turn = (value, key, index, last) => {
                if (frame)
                    Object.assign(frame, { key, index, first: index === 0, last });
                if (meter)
                    meter.outer = base + out.length;
                out += options.fn(value, { data: frame, blockParams: [value, key] });
                turns++;
                meter?.tick(base + out.length);
            };
            if (Array.isArray(context)) {
                for (let i = 0; i < context.length; i++)
                    turn(context[i], i, i, i === context.length - 1);
            }
            else if (context && typeof context === 'object') {
                const keys = Object.keys(context);
                keys.forEach((k, i) => turn(context[k], k, i, i === keys.length - 1));
            }
        }
        finally {
            if (meter) {
                meter.depth--;
                meter.outer = base;
            }
        }
        if (meter && meter.depth === 0)
            meter.committed += out.length;
        return turns === 0 ? options.inverse(this) : out;
    };
}
//# sourceMappingURL=meter.js.map