import { expect } from 'chai';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import Form from '@rjsf/core';
import { getDefaultFormState, type RJSFSchema } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import type Ajv from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { TestEnvoi } from '../support/harness.js';

/**
 * Every action's form, rendered by @rjsf (react-dom/server) from GET /manifest as a host would
 * (issue #14): it renders, and what a builder submits after filling only the required fields
 * passes both @rjsf's ajv validation and Envoi's validate.
 */

type Schema = Record<string, any>;

/** The fields a builder fills: only the required ones. A new action adds its line here. */
const MINIMAL: Record<string, Record<string, unknown>> = {
  'send-email': { to: 'ada@customer.test', subject: 'Hello', text: 'Hi Ada' },
  'send-invitation': { to: 'ada@customer.test', appName: 'Acme CRM', link: 'https://acme.test/join' },
  'send-signup-confirmation': { to: 'ada@customer.test', appName: 'Acme CRM', link: 'https://acme.test/confirm' },
  'create-ics': { title: 'Standup', start: '2026-07-01T09:30' },
};

describe('manifest: every action form renders in @rjsf and a minimal input passes both validations', () => {
  let envoi: TestEnvoi;
  let manifest: Schema;
  /**
   * @rjsf's ajv8 validator on draft 2020-12 with the manifest's vocabulary declared, as a host
   * would. @rjsf's own settings (not strict: it compiles junk schemas of its own to pick oneOf
   * options); manifest-strict.test.ts compiles the schemas strictly.
   */
  const validatorFor = (annotations: string[]) =>
    customizeValidator({
      AjvClass: Ajv2020 as unknown as typeof Ajv,
      extenderFn: (ajv) => {
        for (const k of annotations) ajv.addKeyword(k);
        return ajv;
      },
    });
  const validate = (key: string, input: unknown) => envoi.api('POST', `/api/v1/scopes/platform/actions/${key}/validate`, { input });

  before(async () => {
    envoi = await new TestEnvoi().start();
    manifest = (await envoi.api('GET', '/api/v1/manifest')).body;
  });
  after(() => envoi.stop());

  // ajv and @rjsf complain on the console (an unknown format ignored, a schema that does not
  // compile) and carry on: each test ends by checking they had nothing to say.
  let complaints: string[] = [];
  const saved = { warn: console.warn, error: console.error };
  beforeEach(() => {
    complaints = [];
    console.warn = console.error = (...args: unknown[]) => void complaints.push(args.map(String).join(' ').slice(0, 300));
  });
  afterEach(() => Object.assign(console, saved));

  it('has a minimal input for every action of the manifest', () => {
    expect(Object.keys(MINIMAL).sort()).to.deep.equal(manifest.actions.map((a: Schema) => a.key).sort());
  });

  for (const key of Object.keys(MINIMAL)) {
    it(`${key}: renders, and the form's data with only the required fields filled is valid for @rjsf and for Envoi`, async () => {
      const action = manifest.actions.find((a: Schema) => a.key === key);
      const schema = action.inputSchema as RJSFSchema;
      const validator = validatorFor(manifest.vocabulary.annotations);
      // What the form holds once the builder filled the required fields: @rjsf adds the schema's
      // defaults, and a default inside an optional object would open that object here.
      const formData = getDefaultFormState(validator, schema, MINIMAL[key], schema) as Record<string, unknown>;
      expect(Object.keys(formData).sort(), 'no optional object opened by a default').to.deep.equal(Object.keys(MINIMAL[key]!).sort());

      const html = renderToString(createElement(Form, { schema, validator, formData }));
      expect(html).to.match(/^<form/);
      for (const name of Object.keys(schema.properties ?? {})) expect(html, `${key} renders ${name}`).to.include(`id="root_${name}`);

      expect(validator.validateFormData(formData, schema).errors, `${key} @rjsf`).to.deep.equal([]);
      const r = await validate(key, formData);
      expect(r.status, r.text).to.equal(200);
      expect(r.body, `${key} Envoi`).to.deep.include({ valid: true, errors: [] });

      // The same form refuses an empty submission: both validations have something to say.
      expect(validator.validateFormData({}, schema).errors.length).to.be.greaterThan(0);
      expect((await validate(key, {})).body.valid).to.equal(false);
      expect(complaints).to.deep.equal([]);
    });
  }

  it('send-email: the calendar invite renders its nested fields (organizer, attendees) from the bundled $defs', () => {
    const schema = manifest.actions.find((a: Schema) => a.key === 'send-email').inputSchema as RJSFSchema;
    const validator = validatorFor(manifest.vocabulary.annotations);
    const formData = { ...MINIMAL['send-email'], calendarEvent: { title: 'Review', start: '2026-07-01', organizer: { email: 'ada@customer.test' }, attendees: [{ email: 'bob@customer.test' }] } };
    const html = renderToString(createElement(Form, { schema, validator, formData }));
    for (const id of ['root_calendarEvent_organizer_email', 'root_calendarEvent_attendees_0_email', 'root_calendarEvent_method']) expect(html).to.include(`id="${id}"`);
    expect(validator.validateFormData(formData, schema).errors).to.deep.equal([]);
    expect(complaints).to.deep.equal([]);
  });

  it('system mails: the form offers the six languages; the API still takes a regional tag the form does not offer', async () => {
    const schema = manifest.actions.find((a: Schema) => a.key === 'send-invitation').inputSchema as RJSFSchema;
    const validator = validatorFor(manifest.vocabulary.annotations);
    const html = renderToString(createElement(Form, { schema, validator, formData: MINIMAL['send-invitation'] }));
    const select = /<select[^>]*id="root_locale"[\s\S]*?<\/select>/.exec(html)?.[0] ?? '';
    for (const l of ['en', 'fr', 'de', 'nl', 'pt', 'ru']) expect(select).to.include(`>${l}</option>`);
    const regional = { ...MINIMAL['send-invitation'], locale: 'fr-CA' };
    expect(validator.validateFormData(regional, schema).errors.map((e) => e.property)).to.deep.equal(['.locale']);
    expect((await validate('send-invitation', regional)).body).to.deep.include({ valid: true });
    expect(complaints).to.deep.equal([]);
  });
});

describe('validate reports every problem of an input in one answer', () => {
  let envoi: TestEnvoi;
  before(async () => {
    envoi = await new TestEnvoi().start();
  });
  after(() => envoi.stop());

  it('a schema error, a bad address and a broken template come back together', async () => {
    const input = { to: ['ada@customer.test', 'bob@@customer'], subject: 'Hi {{#if name}}{{name}}', text: 'Hello', priority: 'urgent' };
    const r = await envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/validate', { input });
    expect(r.status).to.equal(200);
    expect(r.body.valid).to.equal(false);
    const byPath = Object.fromEntries(r.body.errors.map((e: { path: string; message: string }) => [e.path, e.message]));
    expect(byPath['/priority']).to.match(/must be one of "high", "normal", "low"/);
    expect(byPath['/to/1']).to.match(/bob@@customer/);
    expect(byPath['/subject']).to.match(/line 1/);
    expect(r.body.errors).to.have.length(3);
    // The first error the field checks found is given whole, as preview would answer it.
    expect(r.body.error).to.include({ code: 'TEMPLATE_ERROR', field: 'subject' });

    // Fixed, the same input is valid: nothing was reported that was not wrong.
    const fixed = await envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/validate', { input: { ...input, to: input.to[0], subject: 'Hi {{name}}', priority: 'high' } });
    expect(fixed.body).to.deep.equal({ valid: true, errors: [] });
  });

  it('a field the schema already faults is not reported twice by the field checks', async () => {
    const r = await envoi.api('POST', '/api/v1/scopes/platform/actions/send-email/validate', { input: { to: 'x', subject: 'Hi {{', text: 'Hello' } });
    expect(r.body.errors.map((e: { path: string }) => e.path).sort()).to.deep.equal(['/subject', '/to']);
  });
});
