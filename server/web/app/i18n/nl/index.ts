import type { Catalogue } from '../catalogues.js';
import { connections } from './connections.js';
import { deliveries } from './deliveries.js';
import { shell } from './shell.js';

export const nl: Catalogue = { ...shell, ...connections, ...deliveries };
