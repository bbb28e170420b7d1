// The host's own sign-in, as small as it can be: users in code, a random session id in an
// HttpOnly cookie, sessions in memory. A real platform has its own; Envoi only asks it who is
// signed in (see app.js, `authenticate`).
import crypto from 'node:crypto';

/** The platform's users: one admin of the whole platform, and a builder in each of two tenants. */
export const USERS = {
  ada: { password: 'ada-secret', name: 'Ada (platform admin)', role: 'platform-admin' },
  ben: { password: 'ben-secret', name: 'Ben (Acme builder)', role: 'builder', tenant: 'acme' },
  cleo: { password: 'cleo-secret', name: 'Cleo (Globex builder)', role: 'builder', tenant: 'globex' },
};

const COOKIE = 'host_sid';

/** Sign-in and sign-out routes, and `userOf(req)`: the signed-in user or null. */
export function createSessions() {
  const sessions = new Map();
  const sidOf = (req) => {
    for (const part of (req.get('cookie') ?? '').split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === COOKIE) return v.join('=');
    }
    return undefined;
  };
  return {
    userOf(req) {
      const username = sessions.get(sidOf(req) ?? '');
      return username ? { username, ...USERS[username] } : null;
    },
    signIn(req, res) {
      const { username, password } = req.body ?? {};
      const user = USERS[username];
      // Compare as hashes so the time taken says nothing about the password.
      const same = (a, b) => crypto.timingSafeEqual(crypto.createHash('sha256').update(String(a)).digest(), crypto.createHash('sha256').update(String(b)).digest());
      if (!user || !same(user.password, password ?? '')) return res.status(401).send('Unknown user or wrong password');
      const sid = crypto.randomBytes(24).toString('base64url');
      sessions.set(sid, username);
      res.set('Set-Cookie', `${COOKIE}=${sid}; HttpOnly; SameSite=Lax; Path=/`);
      res.redirect(303, '/');
    },
    signOut(req, res) {
      sessions.delete(sidOf(req) ?? '');
      res.set('Set-Cookie', `${COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0`);
      res.redirect(303, '/login');
    },
  };
}
