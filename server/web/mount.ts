import path from 'node:path';
import express from 'express';

/**
 * Serves the admin page: static files of server/web/public at `/`, and the page's compiled
 * scripts (server/web/app/*.ts, compiled by their own tsconfig to dist/server/web/app/*.js) at
 * `/app/`. The page names its files and the API by relative URLs, so it works under any mount path.
 */
export function mountWeb(router: express.Router, root: string): void {
  const noStore = { setHeaders: (res: express.Response) => res.setHeader('Cache-Control', 'no-cache') };
  // Mounted at /plugins/email, the page's relative URLs resolve only from /plugins/email/.
  router.get('/', (req, res, next) => {
    const [pathname = '', query] = req.originalUrl.split('?');
    if (pathname.endsWith('/')) return next();
    res.redirect(301, `${pathname}/${query === undefined ? '' : `?${query}`}`);
  });
  router.use((req, res, next) => {
    if (req.path.startsWith('/api/') || req.path === '/health') return next();
    // The page loads nothing from elsewhere; previews of mail HTML render in a sandboxed frame.
    res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-src 'self' blob: data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  router.use('/app', express.static(path.join(root, 'dist', 'server', 'web', 'app'), { ...noStore, index: false, extensions: ['js'] }));
  router.use('/', express.static(path.join(root, 'server', 'web', 'public'), { ...noStore, index: 'index.html' }));
}
