// The English catalogue: it defines every key of the page (one file per screen, under 300 lines).

import { actions } from './actions.js';
import { apiKeys } from './api-keys.js';
import { connectionTest } from './connection-test.js';
import { connections } from './connections.js';
import { deliverability } from './deliverability.js';
import { dashboard } from './dashboard.js';
import { deliveries } from './deliveries.js';
import { errors } from './errors.js';
import { mailbox } from './mailbox.js';
import { shell } from './shell.js';
import { templates } from './templates.js';
import { webhooks } from './webhooks.js';

export const en = { ...shell, ...connections, ...connectionTest, ...deliveries, ...dashboard, ...deliverability, ...templates, ...webhooks, ...mailbox, ...actions, ...apiKeys, ...errors };
