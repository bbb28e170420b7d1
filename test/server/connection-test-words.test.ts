import { expect } from 'chai';
import { FAILURES } from '../../connector/failures.js';
import { TEST_WORDS } from '../../connector/i18n/localize.js';
import { LOCALES } from '../../connector/locales.js';
import { testPki } from '../support/certs.js';
import { BACKENDS, smtpConnection } from '../support/harness.js';
import { C, connectionsSuite, PASSWORD } from './connections-suite.js';

/**
 * Words for people (issue #17): a connection test and a test mail answer in the request's
 * Accept-Language, the English sentence (with the host and the server's words) kept in `detail`;
 * without the header, or in English, the answer is the same as before; a certificate failure says
 * why in plain words, OpenSSL's own text one click away in `detail`.
 */
for (const backend of BACKENDS) {
  describe(`connection test words (${backend.name})`, function () {
    const { api, sink } = connectionsSuite(backend);
    const unsaved = (body: Record<string, unknown>, lang?: string) => api('POST', `${C}/test`, body, lang ? { headers: { 'accept-language': lang } } : {});

    it('a wrong password answers in French with Accept-Language fr, and in English without it or with en-US', async () => {
      const server = await sink({ tls: 'starttls', users: { u: PASSWORD } });
      const body = { name: 'bad pw', senderEmail: 'a@envoi.test', host: 'localhost', port: server.port, user: 'u', password: 'wrong', caCertificate: testPki().caCert };
      const en = await unsaved(body);
      expect(en.body).to.include({ ok: false, stage: 'auth', code: 'AUTH_FAILED', responseCode: 535, hint: FAILURES.AUTH_FAILED.hint });
      expect(en.body.message).to.match(/^localhost:\d+ rejected the user name or password: 535/);
      expect(en.body, 'English answers carry no translation detail').not.to.have.property('detail');
      const us = await unsaved(body, 'en-US,en;q=0.9,fr;q=0.5');
      expect({ ...us.body, durationMs: 0 }).to.deep.equal({ ...en.body, durationMs: 0 });

      const fr = await unsaved(body, 'fr-FR,fr;q=0.9,en;q=0.8');
      expect(fr.body).to.include({ ok: false, stage: 'auth', code: 'AUTH_FAILED', responseCode: 535, reply: en.body.reply });
      expect(fr.body.message).to.equal('Échec de l’authentification : le serveur a refusé le nom d’utilisateur ou le mot de passe');
      expect(fr.body.hint).to.match(/mot de passe d’application/);
      expect(fr.body.detail, 'the English sentence, with the host, one click away').to.equal(en.body.message);
      const ru = await unsaved(body, 'ru');
      expect(ru.body.message).to.match(/^Не удалось войти/);
    });

    it('a passing test and a test mail answer in the language asked', async () => {
      const server = await sink({ tls: 'none' });
      const ok = await unsaved({ ...smtpConnection(server), authMethod: 'NONE' }, 'de');
      expect(ok.body).to.include({ ok: true, stage: 'done', message: 'Die Verbindung funktioniert: Envoi hat den Server erreicht und sich angemeldet' });
      expect(ok.body.detail).to.match(/^Connected to /);
      const saved = await api('POST', C, { ...smtpConnection(server), authMethod: 'NONE' });
      const mail = await api('POST', `${C}/${saved.body.id}/test-email`, { to: 'x@customer.test' }, { headers: { 'accept-language': 'nl' } });
      expect(mail.status, mail.text).to.equal(200);
      expect(mail.body).to.include({ ok: true, message: 'De server heeft de testmail aangenomen', locale: 'nl' });
      const english = await api('POST', `${C}/${saved.body.id}/test-email`, { to: 'x@customer.test' });
      expect(english.body.message).to.equal('The test email was accepted for x@customer.test');
    });

    it('a self-signed certificate: a plain message, OpenSSL\'s text in detail (and in French too)', async () => {
      const server = await sink({ tls: 'implicit', selfSigned: true });
      const body = { name: 'self-signed', senderEmail: 'a@envoi.test', host: 'localhost', port: server.port, secure: true, authMethod: 'NONE' };
      const r = await unsaved(body);
      expect(r.body, r.text).to.include({ ok: false, stage: 'tls', code: 'TLS_FAILED' });
      expect(r.body.message).to.equal(`The certificate of localhost:${server.port} is not trusted: it is self-signed`);
      expect(r.body.detail).to.match(/self[- ]signed certificate/i);
      const fr = await unsaved(body, 'fr');
      expect(fr.body.message).to.equal('Échec de la connexion sécurisée (TLS) avec le serveur');
      expect(fr.body.detail).to.include(r.body.message).and.to.include(r.body.detail);
      expect(fr.body.hint).to.match(/certificat du serveur/);
      expect(fr.body.detail, 'the precise English hint is kept').to.include(r.body.hint);
    });
  });
}

describe('connection test words: every language says every code', () => {
  it('each of the five translations has a message and a hint for every code of the catalogue, none left in English', () => {
    for (const locale of LOCALES.filter((l) => l !== 'en')) {
      const w = TEST_WORDS[locale as keyof typeof TEST_WORDS];
      for (const code of Object.keys(FAILURES) as Array<keyof typeof FAILURES>) {
        expect(w.messages[code], `${locale} ${code}`).to.be.a('string').and.not.equal('');
        expect(w.hints[code], `${locale} ${code} hint`).to.be.a('string').and.not.equal(FAILURES[code].hint);
      }
    }
  });
});
