import type { Context } from 'mocha';

/** True when the tests run in CI, where nothing may be skipped for a missing server. */
export const IN_CI = /^(1|true)$/i.test(process.env.CI ?? '');

/**
 * Skips the current test or suite with a reason printed where a person sees it; under CI=true
 * a missing server is a failure instead, since .ci/run installs and starts what tests need.
 */
export function skipUnlessCI(ctx: Context, reason: string): never {
  if (IN_CI) throw new Error(`required under CI=true but unavailable: ${reason}`);
  process.stdout.write(`      skipped: ${reason}\n`);
  ctx.skip();
}
