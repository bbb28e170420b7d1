/**
 * Sandbox mode at execute time (design.md "Sandbox"): with ENVOI_SANDBOX=true every recipient of
 * every scope, or in a scope whose `sandbox.enabled` is on each recipient outside its allow list,
 * is captured instead of sent to. The outbox takes the captured recipients out of the envelope
 * (the message keeps its headers, so the copy in the mailbox reads as it would have arrived),
 * stores that copy here and announces `delivery.captured`.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Config } from '../config.js';
import type { EventPublisher } from '../events/publisher.js';
import { deliveryEventBase } from '../events/types.js';
import type { Delivery } from '../store/deliveries.js';
import type { MailboxStore } from '../store/mailbox.js';
import type { ScopeSettings, ScopeSettingsStore } from '../store/scope-settings.js';
import { TtlCache } from '../ttl-cache.js';

/**
 * Whether `allow` lets mail reach `address`: an entry equal to it, or `@domain` equal to its
 * domain (exact matches, case-insensitive; a subdomain is another domain).
 */
export function allowedBy(allow: readonly string[], address: string): boolean {
  const a = address.trim().toLowerCase();
  const domain = a.slice(a.lastIndexOf('@'));
  return allow.some((e) => {
    const entry = e.trim().toLowerCase();
    return entry === a || (entry.startsWith('@') && entry === domain);
  });
}

export interface SandboxDeps {
  config: Pick<Config, 'sandbox'>;
  settings: ScopeSettingsStore;
  mailbox: MailboxStore;
  events: EventPublisher;
}

/** How long an execute reuses a scope's settings read from the database (a PUT here forgets them at once). */
const SETTINGS_CACHE_MS = 1000;

/** The sandbox decisions and the captured mail of an instance. */
export class Sandbox {
  private readonly cache = new TtlCache<ScopeSettings>({ ttlMs: SETTINGS_CACHE_MS, max: 10_000 });

  constructor(private readonly deps: SandboxDeps) {}

  /** The whole instance is a sandbox (ENVOI_SANDBOX, or demo mode). */
  get instance(): boolean {
    return this.deps.config.sandbox;
  }

  /** A scope's settings (read at most once a second per process). */
  settings(scope: string): Promise<ScopeSettings> {
    return this.cache.get(scope, () => this.deps.settings.get(scope));
  }

  async putSettings(scope: string, settings: ScopeSettings): Promise<void> {
    await this.deps.settings.put(scope, settings);
    this.cache.delete(scope);
  }

  /** Which of `recipients` the sandbox keeps the mail from: none outside a sandbox. */
  async captures(scope: string, recipients: string[]): Promise<string[]> {
    if (this.instance) return [...recipients];
    const { sandbox } = await this.settings(scope);
    return sandbox.enabled ? recipients.filter((r) => !allowedBy(sandbox.allow, r)) : [];
  }

  /**
   * Stores the captured copy of a new delivery and announces it, in the transaction that stores
   * the delivery (DeliveryStore.insert's `after`): a copy or an event that cannot be written
   * fails the whole insert, so the execute answers 503 and nothing half-stored stays behind.
   */
  async keep(d: Delivery, raw: string, trx: Knex.Transaction): Promise<void> {
    await this.deps.mailbox.add(d.scope, { id: crypto.randomUUID(), deliveryId: d.id, from: d.envelope.from, to: d.captured, subject: d.subject, size: Buffer.byteLength(raw), raw }, trx);
    await this.deps.events.publish(d.scope, 'delivery.captured', { ...deliveryEventBase(d), captured: d.captured }, trx);
  }
}
