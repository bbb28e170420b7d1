import { buildIcs } from './calendar.js';
import { defineAction } from './define.js';
/** Make an .ics calendar file from an event, answered on the spot (nothing is sent). */
export const createIcs = defineAction({
    key: 'create-ics',
    version: 1,
    title: 'Create an ICS file',
    description: 'Turn an event into an iCalendar (.ics) file to attach, download or store. Keep uid and raise sequence to update or cancel it later.',
    inputSchema: 'create-ics.input.schema.json',
    outputSchema: 'create-ics.output.schema.json',
    executeStatus: 200,
    async execute(_ctx, input) {
        const file = buildIcs(input, { uidDomain: 'envoi' });
        return { filename: file.filename, contentType: file.contentType, content: Buffer.from(file.content, 'utf8').toString('base64') };
    },
    async preview(_ctx, input) {
        const file = buildIcs(input, { uidDomain: 'envoi' });
        return { connection: null, file: { filename: file.filename, contentType: file.contentType, content: file.content }, warnings: [] };
    },
});
//# sourceMappingURL=create-ics.js.map