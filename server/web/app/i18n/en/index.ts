// The English catalogue: it defines every key of the page (one file per screen, under 300 lines).

import { connections } from './connections.js';
import { deliveries } from './deliveries.js';
import { shell } from './shell.js';

export const en = { ...shell, ...connections, ...deliveries };
export { connections, deliveries, shell };
