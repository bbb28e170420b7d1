/** Template overrides: one row per scope, action and locale. */
export class TemplateStore {
    knex;
    constructor(knex) {
        this.knex = knex;
    }
    async get(scope, action, locale) {
        return (await this.firstOf([scope], action, locale))?.template;
    }
    /** The template of the first of `scopes` that has one, in one query. */
    async firstOf(scopes, action, locale) {
        const rows = await this.knex('templates').whereIn('scope', scopes).andWhere({ action, locale });
        const found = rows
            .map((r) => ({ index: scopes.indexOf(r.scope), template: { scope: r.scope, action: r.action, locale: r.locale, subject: r.subject, html: r.html, text: r.text, updatedAt: r.updated_at } }))
            .sort((a, b) => a.index - b.index);
        return found[0];
    }
    /** Inserts or replaces a scope's template. */
    async put(t) {
        const updatedAt = new Date().toISOString();
        await this.knex('templates')
            .insert({ scope: t.scope, action: t.action, locale: t.locale, subject: t.subject, html: t.html, text: t.text, updated_at: updatedAt })
            .onConflict(['scope', 'action', 'locale'])
            .merge(['subject', 'html', 'text', 'updated_at']);
        return { ...t, updatedAt };
    }
    async delete(scope, action, locale) {
        return (await this.knex('templates').where({ scope, action, locale }).delete()) > 0;
    }
}
//# sourceMappingURL=templates.js.map