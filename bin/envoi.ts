#!/usr/bin/env node
import fs from 'node:fs';
import { EnvoiError } from '../connector/errors.js';
import { parseCommand, usageLine, UsageError, USAGE_EXIT, type Command } from './cli.js';
import { KEYS_HELP, keysCreate, keysList, keysRevoke } from './commands/keys.js';
import { migrate } from './commands/migrate.js';
import { PortError, serve, worker } from './commands/serve.js';

const COMMANDS: Command[] = [serve, worker, migrate, keysCreate, keysList, keysRevoke];

const USAGE = `Usage: envoi <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(13)} ${c.summary}`).join('\n')}

Options:
  -h, --help     show this help; \`envoi <command> --help\` shows a command's options
  -v, --version  print the version

Configuration comes from the environment; see the README.`;

/** The version of the installed package (dist/bin/envoi.js → ../../package.json). */
function version(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<void> {
  const [first, second] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    // `envoi help keys create` reads as `envoi keys create --help`.
    if (first === 'help' && second) return main([...argv.slice(1), '--help']);
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (first === '-v' || first === '--version') {
    process.stdout.write(`${version()}\n`);
    return;
  }
  if (first === 'keys' && (second === undefined || second === '-h' || second === '--help')) {
    process.stdout.write(`${KEYS_HELP}\n`);
    if (second === undefined) process.exitCode = USAGE_EXIT;
    return;
  }
  const twoWords = `${first} ${second}`;
  const cmd = COMMANDS.find((c) => c.name === twoWords) ?? COMMANDS.find((c) => c.name === first);
  if (!cmd) {
    if (first === 'keys') throw new UsageError(`unknown keys command "${second}"`, 'keys');
    throw new UsageError(`unknown command "${first}"`);
  }
  const parsed = parseCommand(cmd, argv.slice(cmd.name.split(' ').length));
  if (parsed) await cmd.run(parsed.values, parsed.positionals);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // Mistakes of the caller and of the setting get one line each; only the unexpected gets a stack.
  if (err instanceof UsageError) {
    process.stderr.write(`${usageLine(err)}\n`);
    process.exit(USAGE_EXIT);
  } else if (err instanceof PortError) {
    process.stderr.write(`envoi: ${err.message}\n`);
  } else if (err instanceof EnvoiError) {
    process.stderr.write(`envoi: ${err.code}: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
  } else {
    process.stderr.write(`envoi: ${(err as Error)?.stack ?? String(err)}\n`);
  }
  process.exit(1);
});
