// Envoi as a library (design.md "Embedding and operations"): `createEnvoi(options)` opens it in
// the host's process, `envoiRouter(envoi, {authenticate})` mounts its API and admin page under
// any path of the host's express app, and every call fails with the API's EnvoiError.

export { createEnvoi, type Envoi } from './envoi.js';
export type { EnvoiOptions } from './options.js';
export { envoiRouter, type EnvoiRouterOptions, type WhoAmI } from '../server/router.js';
export type { Authenticate, HostPrincipal } from '../server/host-auth.js';
export { EnvoiError, ERROR_CATALOGUE, type ErrorCode, type ErrorDetail } from '../connector/errors.js';
export type { ConnectionInput, ConnectionOperations, TestEmailResult } from './operations/connections.js';
export type { ActionOperations, ExecuteCallOptions, ExecuteResult } from './operations/actions.js';
export type { DeliveryDetail, DeliveryOperations, DeliveryQuery, DeliveryView, StatsQuery } from './operations/deliveries.js';
export type { Bucket, Counts, DeliveryStats } from '../connector/store/delivery-stats.js';
export type { TemplateInput, TemplateOperations } from './operations/templates.js';
export type { KeyOperations } from './operations/keys.js';
export type { SuppressionOperations, SuppressionQuery } from './operations/suppressions.js';
export type { WebhookMessageQuery, WebhookOperations } from './operations/webhooks.js';
export type { CapturedMailView, SandboxOperations, SettingsView } from './operations/sandbox.js';
export type { MailboxItem } from '../connector/store/mailbox.js';
export type { ScopeSettings } from '../connector/store/scope-settings.js';
export type { DkimKeyOperations } from './operations/dkim.js';
export type { DomainOperations } from './operations/domains.js';
export type { DkimAlgorithm, DkimKeyView } from '../connector/dkim/keys.js';
export type { DomainCheck } from '../connector/domain-check/domain-check.js';
export type { CheckItem, CheckKind, CheckStatus } from '../connector/domain-check/types.js';
export type { ValidateResult } from '../actions/run.js';
export type { Preview } from '../actions/define.js';
export type { ConnectionView, Warning } from '../connector/connections.js';
export type { TestResult } from '../connector/providers/results.js';
export type { ResolvedTemplate } from '../actions/templates/system.js';
export type { Config } from '../connector/config.js';
export type { Logger, LogLevel } from '../connector/log.js';
export type { KeyRecord, Principal, Role } from '../connector/store/keys.js';
export type { DeliveryStatus } from '../connector/store/deliveries.js';
