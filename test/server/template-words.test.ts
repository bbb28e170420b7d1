import { expect } from 'chai';
import { onBackend } from '../support/backend-suite.js';
import { BACKENDS, type TestEnvoi } from '../support/harness.js';

/**
 * Words for people in templates and inputs (issue #17): a system-mail template saved without a
 * text part gets one derived from its html (as send-email derives one); a broken template says
 * where and what in plain words; an address field given the wrong thing says what it expects.
 */
for (const backend of BACKENDS) {
  describe(`template and input words (${backend.name})`, function () {
    let envoi: TestEnvoi;
    onBackend(backend, {}, async (e) => {
      envoi = e;
    });
    const T = '/api/v1/scopes/acme/templates/send-invitation/fr';

    it('a template without text is saved with a text part derived from its html, Handlebars intact', async () => {
      const put = await envoi.api('PUT', T, { subject: 'Rejoignez {{appName}}', html: '<p>Bonjour {{name}},</p><p><a href="{{link}}">Rejoindre</a> &amp; bienvenue</p>' });
      expect(put.status, put.text).to.equal(200);
      expect(put.body.text).to.include('Bonjour {{name}},').and.to.include('Rejoindre [{{link}}]').and.to.include('& bienvenue');
      expect(put.body.text).not.to.include('<p>');
      const got = await envoi.api('GET', T);
      expect(got.body).to.include({ text: put.body.text });
      const own = await envoi.api('PUT', T, { subject: 's', html: '<p>h</p>', text: 'Mon texte {{link}}' });
      expect(own.body.text, 'a text part given is kept as is').to.equal('Mon texte {{link}}');
    });

    it('a broken template says on which line and column, and what is wrong, without grammar tokens', async () => {
      const r = await envoi.api('PUT', T, { subject: 'x', html: '<p>\n{{#if link}}open' });
      expect(r.status).to.equal(400);
      expect(r.body.error).to.include({ code: 'TEMPLATE_ERROR', line: 2, column: 13 });
      expect(r.body.error.message).to.equal('The html template has an error on line 2, column 13: the template ends before a block is closed (a {{/if}}, {{/each}}, {{/unless}} or {{/with}} is missing)');
      const mismatch = await envoi.api('PUT', T, { subject: 'x', html: '{{#if a}}x{{/each}}' });
      expect(mismatch.body.error.message).to.match(/: \{\{\/each\}\} closes a \{\{#if\}\} block; close it with \{\{\/if\}\}$/);
      const empty = await envoi.api('PUT', T, { subject: 'Hi {{}}', html: 'x' });
      expect(empty.body.error.message).to.equal('The subject template has an error on line 1, column 4: a {{ }} is empty: put a field or helper name inside it');
      expect(JSON.stringify([r.body, mismatch.body, empty.body])).not.to.match(/Parse error|Expecting|OPEN_ENDBLOCK|problem\(s\)/);
    });

    it('an address list given a number, an object or an empty list says what it expects', async () => {
      const validate = async (to: unknown) =>
        (await envoi.api('POST', '/api/v1/scopes/acme/actions/send-email/validate', { input: { to, subject: 's', text: 't' } })).body.errors;
      expect(await validate(42)).to.deep.equal([{ path: '/to', message: 'must be an email address or a list of them' }]);
      expect(await validate({ address: 'a@b.c' })).to.deep.equal([{ path: '/to', message: 'must be an email address or a list of them' }]);
      expect(await validate([])).to.deep.equal([{ path: '/to', message: 'must not be an empty list' }]);
      expect(await validate(['ada@example.com', 7])).to.deep.equal([{ path: '/to/1', message: 'must be an email address (text such as ada@example.com)' }]);
      expect(await validate('a\nb@example.com')).to.deep.equal([{ path: '/to', message: 'must not contain control characters (line breaks, tabs, …)' }]);
      const long = await envoi.api('PUT', T, { subject: 'x'.repeat(2001), html: 'h' });
      expect(long.body.error.details).to.deep.equal([{ path: '/subject', message: 'must be at most 2000 characters long' }]);
    });
  });
}
