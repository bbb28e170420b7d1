import { EnvoiError } from '../errors.js';
const HINTS = {
    time: 'Simplify the template (fewer or smaller {{#each}} loops), shorten the html, or send a text part so none has to be derived from the html.',
    memory: 'Simplify the template (fewer nested {{#each}} loops, less repeated data), shorten the html, or send a text part of your own.',
    output: 'The mail renders larger than a message may be: loop over fewer items, repeat less data, or send large content as an attachment.',
    iterations: 'Loop over fewer items: split the list over several mails, or nest fewer {{#each}} blocks.',
};
/** BUDGET_EXCEEDED: the work was stopped at its budget and failed alone; nothing was queued. */
export function budgetExceeded(budget, message) {
    return new EnvoiError('BUDGET_EXCEEDED', message, { hint: HINTS[budget], extra: { budget } });
}
// A job that recurses too deep or builds a string past V8's limit has spent its budget: it gets
// a 4xx the builder can act on, not a 500.
const OUT_OF_ROOM = /Maximum call stack size exceeded|Invalid string length|Array buffer allocation failed/;
/** The error a job's failure stands for: out of stack or string space is BUDGET_EXCEEDED. */
export function asBudget(err) {
    return err instanceof RangeError && OUT_OF_ROOM.test(err.message) ? budgetExceeded('memory', 'The work ran out of stack or string space (data nested too deeply, or a string too long) and was stopped') : err;
}
//# sourceMappingURL=budget.js.map