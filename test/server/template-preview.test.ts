import { expect } from 'chai';
import { TestEnvoi } from '../support/harness.js';

/**
 * The live preview of a system-mail template (issue #17): an admin's unsaved subject, html and
 * text render with the input given, as the action's preview would, and nothing is saved; a broken
 * template says where, as saving it would.
 */
describe('template preview of unsaved content', function () {
  this.timeout(30_000);
  let envoi: TestEnvoi;
  const T = '/api/v1/scopes/acme/templates/send-invitation/fr';
  const input = { to: 'ada@example.com', appName: 'Acme CRM', link: 'https://app.example.com/accept/7f3a', inviterName: 'Grace Hopper', locale: 'en' };

  before(async () => {
    envoi = await new TestEnvoi().start();
  });
  after(() => envoi?.stop());

  it('renders the draft with the input, a text part derived from its html, and saves nothing', async () => {
    const draft = { subject: 'Rejoignez {{appName}}', html: '<p>{{inviterName}} vous invite : <a href="{{link}}">rejoindre</a></p>' };
    const r = await envoi.api('POST', `${T}/preview`, { template: draft, input });
    expect(r.status, r.text).to.equal(200);
    expect(r.body.subject).to.equal('Rejoignez Acme CRM');
    expect(r.body.html).to.include('Grace Hopper vous invite').and.to.include('href="https://app.example.com/accept/7f3a"');
    expect(r.body.text).to.include('Grace Hopper vous invite').and.to.include('rejoindre [https://app.example.com/accept/7f3a]');
    const stored = await envoi.api('GET', T);
    expect(stored.body.source, 'the template in use is still the built-in one').to.equal('builtin');
    expect(stored.body.subject).not.to.equal(draft.subject);
    const own = await envoi.api('POST', `${T}/preview`, { template: { ...draft, text: 'Texte à part : {{link}}' }, input });
    expect(own.body.text).to.equal('Texte à part : https://app.example.com/accept/7f3a');
  });

  it('a broken draft answers TEMPLATE_ERROR with its line and column, as saving it would', async () => {
    const r = await envoi.api('POST', `${T}/preview`, { template: { subject: 'x', html: '<p>\n{{#if link}}open' }, input });
    expect(r.status).to.equal(400);
    expect(r.body.error).to.include({ code: 'TEMPLATE_ERROR', line: 2, column: 13 });
  });

  it('bounded and checked like the rest: the template schema, the action input, admins only, known templates only', async () => {
    const long = await envoi.api('POST', `${T}/preview`, { template: { subject: 'x'.repeat(2001), html: 'h' }, input });
    expect(long.status).to.equal(400);
    expect(long.body.error.details).to.deep.equal([{ path: '/template/subject', message: 'must be at most 2000 characters long' }]);
    const badInput = await envoi.api('POST', `${T}/preview`, { template: { subject: 's', html: 'h' }, input: { ...input, to: 'not an address' } });
    expect(badInput.status).to.equal(400);
    expect(badInput.body.error.code).to.equal('VALIDATION_FAILED');
    const builder = await envoi.key('builder', 'acme');
    const refused = await envoi.api('POST', `${T}/preview`, { template: { subject: 's', html: 'h' }, input }, { key: builder });
    expect(refused.status).to.equal(403);
    const unknown = await envoi.api('POST', '/api/v1/scopes/acme/templates/send-email/fr/preview', { template: { subject: 's', html: 'h' }, input });
    expect(unknown.status).to.equal(404);
  });
});
