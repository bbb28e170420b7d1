/**
 * The shape every email-API provider shares (design.md "Providers"): one write-only credential,
 * endpoints from the operator's environment only (so nothing to vet before queueing), a driver that
 * tests and sends. A provider states what differs; this fills in the rest of `Provider`.
 */
import type { ResolvedConnection } from '../../connections.js';
import type { Provider, ProviderRuntime, RawMessage, SecretSpec } from '../provider.js';
import type { SendInfo, TestResult } from '../results.js';

/** What an API provider's driver does; `evict`/`close` only when it caches (tokens, clients). */
export interface ApiDriver {
  test(conn: ResolvedConnection): Promise<TestResult>;
  send(conn: ResolvedConnection, message: RawMessage): Promise<SendInfo>;
  evict?(connectionId: string): void;
  close?(): void;
}

export type ApiProviderSpec = Pick<Provider, 'key' | 'fields' | 'labels' | 'keepsBcc' | 'signsWithEnvoiDkim' | 'presets'> &
  Partial<Pick<Provider, 'createDefaults' | 'normalize' | 'binding' | 'legacyBinding' | 'warnings' | 'warningTexts' | 'readSecret' | 'extraSecrets' | 'inbound' | 'dkimSkipHeaders' | 'spfInclude' | 'dkimSelectors'>> & {
    /** Its one credential, whatever the settings. */
    secret: SecretSpec;
    /** Makes the driver, once per process. */
    driver(runtime: ProviderRuntime): ApiDriver;
  };

/** A provider of an email API; by default its secret is bound to nothing but the provider. */
export function apiProvider(spec: ApiProviderSpec): Provider {
  const { secret, driver, ...rest } = spec;
  const binding = spec.binding ?? (() => []);
  return {
    normalize: async (picked) => ({ settings: picked, warnings: [] }),
    warnings: () => [],
    ...rest,
    secret: () => secret,
    needsSecret: () => true,
    binding,
    // Secrets of API providers were never sealed before bindings were versioned.
    legacyBinding: spec.legacyBinding ?? ((s) => JSON.stringify(binding(s))),
    connect(runtime) {
      const d = driver(runtime);
      return {
        // The endpoint comes from the operator's environment, never from a connection.
        preflight: async () => {},
        // An API's test is one credential check over HTTPS: fetch looks up, connects and signs
        // in within one request, so the one stage it can report is the sign-in.
        test: (conn, onStage) => {
          onStage?.('auth');
          return d.test(conn);
        },
        send: (conn, message) => d.send(conn, message),
        evict: (id) => d.evict?.(id),
        close: () => d.close?.(),
      };
    },
  };
}
