import type { Request } from 'express';

/** What express keeps of a router layer (express 5's `router` package: `rawPath` is the pattern it was given). */
interface Layer {
  rawPath?: unknown;
  route?: { path: unknown };
  handle?: { stack?: Layer[] };
}

/** The label of a request that reached no route: static files of the admin page, 404s, requests refused before routing (401). */
export const UNMATCHED = 'unmatched';

const text = (p: unknown): string => (typeof p === 'string' ? p : Array.isArray(p) ? p.map(text).join('|') : String(p ?? ''));
const join = (a: string, b: string): string => (a.replace(/\/+$/, '') + (b === '/' ? '' : b)) || '/';

/**
 * The full route pattern a request matched (`/api/v1/scopes/:scope/deliveries/:id`), never the
 * URL with its ids: logs and metric labels stay one per route. Express gives a request only the
 * last router's part (`req.route.path`), so the app's router tree is walked once and each route
 * remembered with the mount paths above it.
 */
export class RoutePatterns {
  private readonly known = new WeakMap<object, string>();
  private readonly walked = new WeakSet<object>();

  /** The pattern of `req` (handled by `app`), or UNMATCHED. */
  of(req: Request, app: { router?: { stack?: Layer[] } } = req.app as never): string {
    const route = req.route as object | undefined;
    if (!route) return UNMATCHED;
    let found = this.known.get(route);
    if (found === undefined && app.router?.stack && !this.walked.has(route)) {
      // Routes added after the first walk are found by walking again, once per route.
      this.walked.add(route);
      this.walk(app.router.stack, '');
      found = this.known.get(route);
    }
    return found ?? text((req.route as { path: unknown }).path);
  }

  private walk(stack: Layer[], prefix: string, depth = 0): void {
    if (depth > 16) return;
    for (const layer of stack) {
      if (layer.route) this.known.set(layer.route, join(prefix, text(layer.route.path)));
      else if (Array.isArray(layer.handle?.stack)) this.walk(layer.handle.stack, join(prefix, text(layer.rawPath ?? '/')), depth + 1);
    }
  }
}
