// A host platform that embeds Envoi: its own sign-in (session.js), Envoi's API and admin page
// mounted at /plugins/email, its users mapped to Envoi's roles and scopes, and mail sent from
// its own code through the library (`envoi.actions.execute`).
import express from 'express';
import { createEnvoi, envoiRouter, EnvoiError } from 'envoi';
import { createSessions } from './session.js';

/** The platform's roles in Envoi's terms: its admin runs every tenant's mail; a builder, its tenant's. */
export function envoiPrincipal(user) {
  if (user.role === 'platform-admin') return { role: 'admin', scope: 'platform', label: user.name };
  if (user.role === 'builder') return { role: 'builder', scope: user.tenant, label: user.name };
  return null;
}

/** Opens Envoi with `envoiOptions` (createEnvoi's options) and builds the host's express app. */
export async function createHostApp(envoiOptions = {}) {
  const envoi = await createEnvoi(envoiOptions);
  const sessions = createSessions();
  const app = express();
  app.use(express.urlencoded({ extended: false }));

  app.get('/login', (_req, res) => {
    res.type('html').send(`<!doctype html><html lang="en"><title>Host sign-in</title>
<form method="post" action="/login"><label>User <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form></html>`);
  });
  app.post('/login', (req, res) => sessions.signIn(req, res));
  app.post('/logout', (req, res) => sessions.signOut(req, res));
  app.get('/', (req, res) => {
    const user = sessions.userOf(req);
    if (!user) return res.redirect(303, '/login');
    res.type('html').send(`<!doctype html><html lang="en"><title>Host</title><p>Signed in as ${user.name}. <a href="/plugins/email/">Email settings</a></p></html>`);
  });

  // Envoi, behind the host's sign-in: no Envoi keys, the host says who is asking.
  app.use('/plugins/email', envoiRouter(envoi, {
    authenticate: (req) => {
      const user = sessions.userOf(req);
      return user ? envoiPrincipal(user) : null;
    },
  }));

  // The host's own feature that sends mail: a builder invites someone to its tenant. The host
  // calls Envoi directly (no HTTP), with an idempotency key so a double click sends one mail.
  app.post('/invitations', express.json(), async (req, res) => {
    const user = sessions.userOf(req);
    if (!user?.tenant) return res.status(403).json({ error: 'Only a tenant member invites' });
    try {
      const out = await envoi.actions.execute(user.tenant, 'send-email', {
        to: [req.body.email],
        subject: `${user.name} invites you to ${user.tenant}`,
        text: `Join ${user.tenant} on the platform.`,
      }, { idempotencyKey: `invite:${user.tenant}:${req.body.email}`, wait: 10 });
      res.status(201).json(out);
    } catch (err) {
      // Envoi's errors carry a stable code, a message and a hint for the person.
      if (err instanceof EnvoiError) return res.status(err.status).json({ code: err.code, message: err.message, hint: err.hint });
      throw err;
    }
  });

  return { app, envoi, close: () => envoi.close() };
}
