import { EnvoiError } from '../connector/errors.js';
/** Declares an action; the definition is frozen so nothing changes it at run time. */
export function defineAction(def) {
    return Object.freeze(def);
}
const domainOf = (email) => (email && email.includes('@') ? email.split('@').pop() : 'envoi.invalid');
/**
 * A mail action from a `plan`: execute renders, resolves the connection and queues the message;
 * preview renders and measures it without queueing.
 */
export function defineMailAction(spec) {
    const render = (ctx, plan, connection) => ctx.render(plan.parts, { uidDomain: domainOf(connection?.settings.senderEmail), locale: plan.locale });
    return defineAction({
        key: spec.key,
        version: spec.version,
        title: spec.title,
        description: spec.description,
        inputSchema: spec.inputSchema,
        outputSchema: 'send-email.output.schema.json',
        executeStatus: 202,
        async execute(ctx, input) {
            const plan = await spec.plan(ctx, input);
            const connection = await ctx.resolveConnection(plan.connection);
            const built = await render(ctx, plan, connection);
            const delivery = await ctx.enqueue({ action: spec.key, connection, mail: built.mail, sendAt: plan.sendAt });
            return { deliveryId: delivery.id, status: delivery.status };
        },
        async preview(ctx, input) {
            const warnings = [];
            const plan = await spec.plan(ctx, input);
            let connection;
            try {
                connection = await ctx.resolveConnection(plan.connection);
            }
            catch (err) {
                // A builder may preview before an admin set up a default; say so instead of failing.
                if (!(err instanceof EnvoiError) || err.code !== 'NO_DEFAULT_CONNECTION')
                    throw err;
                warnings.push({ code: err.code, message: err.message, hint: err.hint });
            }
            const built = await render(ctx, plan, connection);
            const composed = await ctx.compose(built.mail, connection);
            return {
                subject: built.subject,
                html: built.html ?? null,
                text: built.text ?? composed.text,
                connection: connection ? { id: connection.id, name: connection.name, provider: connection.provider } : null,
                mimeSize: composed.size,
                attachments: built.attachments,
                calendar: built.calendar ? { method: built.calendar.method, content: built.calendar.content } : null,
                warnings,
            };
        },
    });
}
//# sourceMappingURL=define.js.map