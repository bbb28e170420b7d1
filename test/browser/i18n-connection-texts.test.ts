// The connection form's texts from the server (issue #17), without a browser: every human text of
// each provider's settings.schema.json and of schemas/connection-common.json, every preset's label,
// note and rate limit reason, and every warning's message, hint and fix has its translation in
// fr, de, nl, pt and ru (beside its English, in the same folder), with the same placeholders, no
// English copy, and no translation left over from a text that is gone. Only the identifiers of
// i18n-server-words.ts (product names, protocol names, examples of values) stay as they are.

import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { COMMON_WARNINGS } from '../../connector/events/event-url.js';
import { localizeAnswer } from '../../connector/i18n/localize.js';
import { warning, type WarningTexts } from '../../connector/i18n/warning-texts.js';
import { PRESETS } from '../../connector/presets.js';
import { PROVIDER_LIST } from '../../connector/providers/registry.js';
import { RESEND_WARNINGS } from '../../connector/providers/resend/warnings.js';
import { placeholders } from './i18n-support.js';
import { KEPT, SAME_WORD, schemaTexts } from './i18n-server-words.js';

const LANGUAGES = ['fr', 'de', 'nl', 'pt', 'ru'] as const;

interface Part {
  /** The translations' file, from the repository's root. */
  file: string;
  /** Path → English. */
  english: Map<string, string>;
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

function warningTexts(texts: WarningTexts | undefined): Array<[string, string]> {
  return Object.entries(texts ?? {}).flatMap(([key, w]) => (['message', 'hint', 'fix'] as const).filter((f) => w[f] !== undefined).map((f): [string, string] => [`warnings/${key}/${f}`, w[f]!]));
}

/** The common part and one per provider folder, each with every English text it must translate. */
async function parts(): Promise<Part[]> {
  const textsOf = await schemaTexts();
  const out: Part[] = [{ file: 'schemas/connection-common.i18n.json', english: new Map([...textsOf(readJson('schemas/connection-common.json')), ...warningTexts(COMMON_WARNINGS)]) }];
  for (const p of PROVIDER_LIST) {
    const dir = path.join('connector', 'providers', p.key);
    const presets = PRESETS.filter((x) => x.provider === p.key).flatMap((x): Array<[string, string]> => [
      [`presets/${x.id}/label`, x.label],
      [`presets/${x.id}/note`, x.note],
      ...(x.suggestedRateLimit ? [[`presets/${x.id}/reason`, x.suggestedRateLimit.reason] as [string, string]] : []),
    ]);
    out.push({ file: path.join(dir, 'settings.i18n.json'), english: new Map([...textsOf(readJson(path.join(dir, 'settings.schema.json'))), ...presets, ...warningTexts(p.warningTexts)]) });
  }
  return out;
}

describe('connection form texts from the server (six languages)', () => {
  let all: Part[];
  before(async () => {
    all = await parts();
  });

  it('cover every provider folder, the common schema, every preset and every warning table, a few hundred texts', () => {
    expect(all.map((p) => p.file)).to.include.members(['schemas/connection-common.i18n.json', 'connector/providers/smtp/settings.i18n.json', 'connector/providers/ses/settings.i18n.json']);
    expect(all.length).to.equal(PROVIDER_LIST.length + 1);
    const texts = all.flatMap((p) => [...p.english.values()]);
    expect(texts.length).to.be.greaterThan(200);
    for (const preset of PRESETS) expect(texts, preset.id).to.include(preset.note);
    // A warning's key names its words in every table at once: two tables may not share one.
    const keys = [...PROVIDER_LIST.flatMap((p) => Object.keys(p.warningTexts ?? {})), ...Object.keys(COMMON_WARNINGS)];
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).to.deep.equal([]);
    expect(keys).to.include.members(['SMTP_BASIC_AUTH_RETIRING', 'PUBLIC_URL_UNSET', 'SES_SANDBOX', 'MAILGUN_SANDBOX', 'RESEND_DOMAIN_NOT_VERIFIED']);
  });

  for (const lang of LANGUAGES) {
    describe(lang, () => {
      it('translates every text but the listed identifiers, and nothing else', () => {
        const missing: string[] = [];
        const unknown: string[] = [];
        for (const { file, english } of all) {
          const words = (fs.existsSync(file) ? readJson(file)[lang] ?? {} : {}) as Record<string, string>;
          for (const [p, en] of english) if (!(p in words) && !(en in KEPT)) missing.push(`${file} ${p}: ${JSON.stringify(en)}`);
          for (const p of Object.keys(words)) if (!english.has(p)) unknown.push(`${file} ${p}`);
        }
        expect(missing, 'without a translation').to.deep.equal([]);
        expect(unknown, 'translating no text there is').to.deep.equal([]);
      });

      it('has no empty text, the same placeholders as English, and no English copy but the words the language shares', () => {
        const wrong: string[] = [];
        for (const { file, english } of all) {
          const words = (readJson(file)[lang] ?? {}) as Record<string, string>;
          for (const [p, text] of Object.entries(words)) {
            const en = english.get(p);
            if (en === undefined) continue;
            if (!text.trim()) wrong.push(`${file} ${p}: empty`);
            if (placeholders(text).join() !== placeholders(en).join()) wrong.push(`${file} ${p}: {${placeholders(text)}} vs English {${placeholders(en)}}`);
            if (text === en && !(en in KEPT) && !(en in (SAME_WORD[lang] ?? {}))) wrong.push(`${file} ${p}: English ${JSON.stringify(en)}`);
          }
        }
        expect(wrong).to.deep.equal([]);
      });
    });
  }

  it('lists no stale excuse: every kept text and shared word is one of the English texts', () => {
    const english = new Set(all.flatMap((p) => [...p.english.values()]));
    expect(Object.keys(KEPT).filter((t) => !english.has(t))).to.deep.equal([]);
    expect(Object.values(SAME_WORD).flatMap((m) => Object.keys(m)).filter((t) => !english.has(t))).to.deep.equal([]);
  });

  it("a connection test's warnings are said in the language asked, their values kept; English unchanged", () => {
    const answer = { ok: true, stage: 'done' as const, message: 'Resend accepted the API key', warnings: [warning(RESEND_WARNINGS, 'RESEND_DOMAIN_NOT_VERIFIED', { domain: 'shop.test', status: 'pending', sender: 'a@shop.test' })] };
    expect(localizeAnswer(answer, 'en', 'test')).to.equal(answer);
    const fr = localizeAnswer(answer, 'fr', 'test');
    expect(fr.warnings).to.deep.equal([{
      code: 'DOMAIN_NOT_VERIFIED',
      message: 'Resend indique shop.test comme pending : les e-mails de a@shop.test sont refusés tant que le domaine n’est pas vérifié.',
      hint: 'Dans le tableau de bord Resend, Domains : publiez les enregistrements DNS indiqués pour le domaine et cliquez sur Verify ; cela prend en général quelques minutes, 72 heures au plus.',
    }]);
    expect(fr.message).to.match(/^La connexion fonctionne/);
  });
});
