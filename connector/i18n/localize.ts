import { FAILURES, isFailureCode, type Stage } from '../failures.js';
import type { Locale } from '../locales.js';
import { localizeWarnings } from './warning-texts.js';
import { de } from './de.js';
import { fr } from './fr.js';
import { nl } from './nl.js';
import { pt } from './pt.js';
import { ru } from './ru.js';
import type { TestWords } from './words.js';

/** Every language but English, whose words are the readers' own (connector/failures.ts, the classifiers). */
export const TEST_WORDS: Readonly<Record<Exclude<Locale, 'en'>, TestWords>> = Object.freeze({ fr, de, nl, pt, ru });

/** What a connection test or a test mail answers, as far as words go. */
export interface Answer {
  ok?: boolean | undefined;
  stage?: Stage | undefined;
  code?: string | undefined;
  message: string;
  hint?: string | undefined;
  detail?: string | undefined;
  status?: string | undefined;
  warnings?: Array<{ code: string; message: string; hint?: string }> | undefined;
}

/**
 * Says a test's answer in `locale`, at the boundary (the API), so the many readers that build
 * failures keep one language. The sentence comes from the code and the stage; the English one,
 * which names the host and repeats what the server said, moves to `detail` beside any detail it
 * had; `reply` (the server's own words) is never touched; its warnings are said in `locale` too.
 * English answers are returned unchanged.
 */
export function localizeAnswer<T extends Answer>(answer: T, locale: Locale, kind: 'test' | 'email'): T {
  if (locale === 'en') return answer;
  if (answer.warnings) return { ...localizeAnswer({ ...answer, warnings: undefined }, locale, kind), warnings: localizeWarnings(answer.warnings, locale) };
  const w = TEST_WORDS[locale];
  const detail = [answer.message, answer.detail].filter(Boolean).join(' — ');
  if (answer.ok === false && answer.code) {
    const stage = w.stages[answer.stage ?? 'send'];
    if (!isFailureCode(answer.code)) return { ...answer, message: w.other.replace('{stage}', stage).replace('{code}', answer.code), detail };
    // A hint a reader made more precise than the catalogue's ("Port 587 seems to expect
    // STARTTLS") has no translation: the catalogue's is given, and the precise one kept in detail.
    const precise = answer.hint && answer.hint !== FAILURES[answer.code].hint ? ` — ${answer.hint}` : '';
    return { ...answer, message: w.messages[answer.code].replace('{stage}', stage), hint: w.hints[answer.code], detail: `${detail}${precise}` };
  }
  if (answer.status === 'captured') return { ...answer, message: w.ok.captured, hint: w.ok.capturedHint, detail };
  if (answer.ok === true) return { ...answer, message: kind === 'email' ? w.ok.email : w.ok.test, detail };
  if (answer.status) return { ...answer, message: w.ok.queued, hint: w.ok.queuedHint, detail };
  return answer;
}
