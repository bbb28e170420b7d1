import path from 'node:path';
import { loadConfig, parsePortList, type Config } from '../connector/config.js';
import type { Logger } from '../connector/log.js';
import type { LookupAll } from '../connector/network-policy.js';

/**
 * What `createEnvoi` takes: the settings of the README's environment table in camelCase, each
 * one optional; what is not given comes from the environment (`env`, default `process.env`),
 * then from Envoi's defaults — the same rules as the server, so a host's options and an
 * operator's environment mean one thing.
 */
export interface EnvoiOptions extends Partial<Omit<Config, 'allowedPorts' | 'smtpTimeouts' | 'serveWorker' | 'port'>> {
  /** Ports a connection may use: `"25,465,587,2525"`, ranges (`"1024-65535"`) or a list of numbers. */
  allowedPorts?: string | readonly number[];
  /** SMTP timeouts in ms (each one optional). */
  smtpTimeouts?: Partial<Config['smtpTimeouts']>;
  /** Run the delivery worker in this process (default true; false when other processes send). */
  worker?: boolean;
  /** The environment that fills what is not given (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Where Envoi writes its JSON log lines (default: stderr). */
  logger?: Logger;
  /** Replaces the system DNS resolver (tests point names at chosen addresses). */
  lookup?: LookupAll;
}

const NOT_CONFIG = new Set(['allowedPorts', 'smtpTimeouts', 'worker', 'env', 'logger', 'lookup']);

/** The Config the options and the environment make: options override what the environment says. */
export function configFromOptions(options: EnvoiOptions): Config {
  const env = options.env ?? process.env;
  const base = loadConfig(env);
  const overrides: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (v !== undefined && !NOT_CONFIG.has(k)) overrides[k] = v;
  if (options.allowedPorts !== undefined) {
    const text = typeof options.allowedPorts === 'string' ? options.allowedPorts : options.allowedPorts.join(',');
    overrides.allowedPorts = parsePortList(text);
  }
  if (options.dataDir !== undefined) overrides.dataDir = path.resolve(options.dataDir);
  if (options.smtpTimeouts) overrides.smtpTimeouts = Object.freeze({ ...base.smtpTimeouts, ...options.smtpTimeouts });
  return loadConfig(env, overrides as Partial<Config>);
}
