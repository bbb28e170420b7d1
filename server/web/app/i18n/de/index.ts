import type { Catalogue } from '../catalogues.js';
import { connections } from './connections.js';
import { deliveries } from './deliveries.js';
import { shell } from './shell.js';

export const de: Catalogue = { ...shell, ...connections, ...deliveries };
