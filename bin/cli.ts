import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * What every command of `envoi` shares: its name, a help text, the flags node's util.parseArgs
 * reads, and a run function. A wrong flag or argument is a UsageError: one line naming the
 * command's --help, exit code 2 (the convention of getopt-based tools, and of bash for misuse).
 */
export interface Command {
  /** As typed: `serve`, `keys create`. */
  name: string;
  /** One line for the command list of `envoi --help`. */
  summary: string;
  /** The full text of `envoi <name> --help`. */
  help: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  /** Positional arguments it takes (names for the help; their count is checked). */
  positionals?: string[];
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<void>;
}

/** A mistake in how the command was called; `command` names the one whose --help to point at. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

/** Exit code of a usage mistake (bad flag, unknown command, bad value). */
export const USAGE_EXIT = 2;

/** Parses a command's arguments; `--help` / `-h` prints its help and returns undefined. */
export function parseCommand(cmd: Command, args: string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...cmd.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    // util.parseArgs says what is wrong ("Unknown option '--port'"); its long advice about
    // `--` is for another case, so only the first sentence is kept.
    throw new UsageError(String((err as Error).message).split('. ')[0]!.replace(/\.$/, ''), cmd.name);
  }
  if (parsed.values.help) {
    process.stdout.write(`${cmd.help}\n`);
    return undefined;
  }
  const expected = cmd.positionals ?? [];
  if (parsed.positionals.length !== expected.length) {
    const what = expected.length ? `takes ${expected.map((p) => `<${p}>`).join(' ')}` : 'takes no arguments';
    throw new UsageError(`${cmd.name} ${what}${parsed.positionals.length ? `, not "${parsed.positionals.join(' ')}"` : ''}`, cmd.name);
  }
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

/** The one line a usage mistake prints. */
export function usageLine(err: UsageError): string {
  return `envoi: ${err.message} (see \`envoi ${err.command ? `${err.command} ` : ''}--help\`)`;
}
