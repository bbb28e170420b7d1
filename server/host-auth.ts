import type { NextFunction, Request, Response } from 'express';
import { assertScope } from '../connector/connections.js';
import { EnvoiError } from '../connector/errors.js';
import { ROLES, type Principal, type Role } from '../connector/store/keys.js';

/** Who the host says is signed in, in Envoi's terms: a role in a scope, and a name to show. */
export interface HostPrincipal {
  role: Role;
  scope: string;
  label?: string | undefined;
}

/** A host's sign-in: the principal of a request, or null when nobody is signed in. */
export type Authenticate = (req: Request) => HostPrincipal | null | undefined | Promise<HostPrincipal | null | undefined>;

/** The principal a host's answer makes, or an error naming what the host got wrong (its bug, a 500). */
function principalOf(p: HostPrincipal): Principal {
  if (!(ROLES as readonly string[]).includes(p.role)) {
    throw new EnvoiError('INTERNAL', `The host's authenticate() answered the role "${String(p.role)}"`, { hint: `The host app must answer one of ${ROLES.join(', ')}.` });
  }
  try {
    assertScope(p.scope);
  } catch {
    throw new EnvoiError('INTERNAL', `The host's authenticate() answered the scope "${String(p.scope)}"`, { hint: 'The host app must answer "platform" or a tenant id of lower-case letters, digits and dashes.' });
  }
  const label = typeof p.label === 'string' && p.label ? p.label : undefined;
  // The audit log names the host's user where the API would name the key.
  return { keyId: label ? `host:${label}` : 'host', role: p.role, scope: p.scope, ...(label ? { label } : {}) };
}

/**
 * Replaces Envoi's API keys with the host's own sign-in (design.md "Embedding and operations"):
 * the host's answer becomes the request's principal; no answer is 401 UNAUTHORIZED.
 */
export function hostAuthentication(authenticate: Authenticate) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const p = await authenticate(req);
      if (!p) throw new EnvoiError('UNAUTHORIZED', 'Nobody is signed in', { hint: 'Sign in to the app that hosts Envoi, then try again.' });
      req.principal = principalOf(p);
      next();
    } catch (err) {
      next(err);
    }
  };
}
