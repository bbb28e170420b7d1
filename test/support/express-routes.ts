/**
 * The routes an express 5 app or router has registered, as "METHOD /full/path" with OpenAPI's
 * `{param}` for express's `:param`. Walks the layers of router 2.x (express 5's): a layer with
 * a `route` is an endpoint; a layer whose handle has a `stack` is a mounted router, walked with
 * its mount path (`rawPath`) as prefix, however deep. Middleware without routes (static files,
 * fallbacks, authentication) is no route.
 */

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[]; router?: { stack?: Layer[] } };
}

const toOpenApi = (p: string) => p.replace(/:(\w+)/g, '{$1}');

function join(prefix: string, p: unknown): string[] {
  const paths = Array.isArray(p) ? p : [p];
  return paths.map((x) => {
    if (typeof x !== 'string') throw new Error(`a route path that is not a string (${String(x)}) cannot be compared with the document`);
    const full = `${prefix}/${x}`.replace(/\/+/g, '/');
    return full.length > 1 ? full.replace(/\/$/, '') : full;
  });
}

function walk(stack: Layer[], prefix: string, out: Set<string>): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const path of join(prefix, layer.route.path)) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.add(`${method.toUpperCase()} ${toOpenApi(path)}`);
      }
    } else {
      const inner = layer.handle?.stack ?? layer.handle?.router?.stack;
      if (!inner) continue;
      const mount = layer.rawPath === undefined || layer.rawPath === '/' ? [prefix || '/'] : join(prefix, layer.rawPath);
      for (const m of mount) walk(inner, m === '/' ? '' : m, out);
    }
  }
}

/** Every route of an express app (its `router`) or of a router, sorted. */
export function expressRoutes(appOrRouter: unknown): string[] {
  const a = appOrRouter as { router?: { stack?: Layer[] }; stack?: Layer[] };
  const stack = a.stack ?? a.router?.stack;
  if (!stack) throw new Error('not an express app or router: no layer stack to walk');
  const out = new Set<string>();
  walk(stack, '', out);
  return [...out].sort();
}

/**
 * Whether a registered route and a documented operation ("GET /path") are the same: an express
 * `{param}` stands for any one segment, literal or templated, so `/actions/{action}/execute` is
 * described by the document's `/actions/send-email/execute`; a literal must be the same literal.
 */
export function sameRoute(route: string, documented: string): boolean {
  const [method, path] = route.split(' ') as [string, string];
  const [m, p] = documented.split(' ') as [string, string];
  const segs = path.split('/');
  const ds = p.split('/');
  return m === method && ds.length === segs.length && segs.every((s, i) => s.startsWith('{') || s === ds[i]);
}
