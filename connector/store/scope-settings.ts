import type { Knex } from 'knex';

/** A scope's settings (design.md "Sandbox"; schemas/scope-settings.schema.json). */
export interface ScopeSettings {
  sandbox: {
    enabled: boolean;
    /** Addresses and `@domain` entries mail may still reach while the sandbox is on. */
    allow: string[];
  };
}

/** What a scope that never saved settings has: no sandbox. */
export const DEFAULT_SETTINGS: ScopeSettings = Object.freeze({ sandbox: Object.freeze({ enabled: false, allow: Object.freeze([]) as unknown as string[] }) });

/** The scope_settings table: one JSON document per scope. */
export class ScopeSettingsStore {
  constructor(private readonly knex: Knex) {}

  async get(scope: string): Promise<ScopeSettings> {
    const r = (await this.knex('scope_settings').where({ scope }).first()) as { settings: string } | undefined;
    return r ? (JSON.parse(r.settings) as ScopeSettings) : DEFAULT_SETTINGS;
  }

  async put(scope: string, settings: ScopeSettings): Promise<void> {
    await this.knex('scope_settings')
      .insert({ scope, settings: JSON.stringify(settings), updated_at: new Date().toISOString() })
      .onConflict('scope')
      .merge();
  }
}
