import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { TestEnvoi } from '../support/harness.js';

const BIN = path.resolve('dist/bin/envoi.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `envoi` command as an operator would, with only the environment given. */
function envoi(args: string[], env: Record<string, string> = {}, script = BIN): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'envoi-cli-'));
/** The lines of stderr that are not JSON log lines: what the person at the terminal reads. */
const plainLines = (stderr: string) => stderr.split('\n').filter((l) => l && !l.startsWith('{'));

describe('the envoi command line', () => {
  it('--version prints the version of package.json', async () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = await envoi([flag]);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.equal(`${pkg.version}\n`);
    }
  });

  it('--help lists every command, and every command has its own --help', async () => {
    const all = await envoi(['--help']);
    expect(all.code).to.equal(0);
    const commands = ['serve', 'worker', 'migrate', 'keys create', 'keys list', 'keys revoke'];
    for (const c of commands) expect(all.stdout).to.match(new RegExp(`^  ${c} `, 'm'));
    for (const c of commands) {
      const r = await envoi([...c.split(' '), '--help']);
      expect(r.code, c).to.equal(0);
      expect(r.stdout, c).to.match(new RegExp(`^Usage: envoi ${c}\\b`));
      expect(r.stdout, c).to.include('--help');
    }
    const keys = await envoi(['keys', '--help']);
    expect(keys.code).to.equal(0);
    expect(keys.stdout).to.include('keys create').and.include('keys list').and.include('keys revoke');
    expect((await envoi(['help', 'keys', 'create'])).stdout).to.match(/^Usage: envoi keys create/);
  });

  it('an unknown command, flag or argument: one line naming the help, exit code 2', async () => {
    const cases: Array<[string[], string]> = [
      [['frobnicate'], 'envoi: unknown command "frobnicate" (see `envoi --help`)'],
      [['serve', '--port', '8080'], "envoi: Unknown option '--port' (see `envoi serve --help`)"],
      [['keys', 'delete', 'x'], 'envoi: unknown keys command "delete" (see `envoi keys --help`)'],
      [['keys', 'revoke'], 'envoi: keys revoke takes <id> (see `envoi keys revoke --help`)'],
      [['keys', 'create', '--role', 'admin', '--scope', 'acme', '--label', 'x'.repeat(201)], 'envoi: --label is 201 characters long: 200 at most (see `envoi keys create --help`)'],
      [['worker', '--concurrency', 'many'], 'envoi: --concurrency must be a whole number of at least 1, not "many" (see `envoi worker --help`)'],
    ];
    for (const [args, line] of cases) {
      const r = await envoi(args, { ENVOI_DATA_DIR: tempDir() });
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr, args.join(' ')).to.equal(`${line}\n`);
      expect(r.stdout, args.join(' ')).to.equal('');
    }
  });

  it('keys create refuses a scope that is not one, naming the rule (exit 2), and writes nothing', async () => {
    const env = { ENVOI_DATA_DIR: tempDir() };
    const r = await envoi(['keys', 'create', '--role', 'admin', '--scope', 'Acme Corp'], env);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(plainLines(r.stderr)).to.have.length(1);
    expect(r.stderr).to.include('"Acme Corp" is not a scope').and.include('platform').and.include('^[a-z0-9][a-z0-9-]{0,62}$');
    const role = await envoi(['keys', 'create', '--role', 'owner', '--scope', 'acme'], env);
    expect(role.code).to.equal(2);
    expect(role.stderr).to.include('"owner" is not a role: use admin, builder, runtime');
    const list = await envoi(['keys', 'list', '--json'], env);
    expect(JSON.parse(list.stdout)).to.deep.equal([]);
  });

  describe('keys list and revoke against a data directory a server uses', () => {
    let server: TestEnvoi;
    let env: Record<string, string>;
    before(async () => {
      server = await new TestEnvoi().start();
      env = { ENVOI_DATA_DIR: server.dataDir };
    });
    after(() => server.stop());

    it('lists id, role, scope, label and dates but no key material; a revoked key gets 401', async () => {
      const created = await envoi(['keys', 'create', '--role', 'builder', '--scope', 'acme', '--label', 'zapier'], env);
      expect(created.code).to.equal(0);
      const key = created.stdout.trim();
      const id = /key ([0-9a-f-]{36})/.exec(created.stderr)![1]!;
      expect((await server.api('GET', '/api/v1/scopes/acme/connections', undefined, { key })).status).to.equal(200);

      const table = await envoi(['keys', 'list'], env);
      expect(table.code).to.equal(0);
      expect(table.stdout.split('\n')[0]).to.match(/^ID\s+ROLE\s+SCOPE\s+LABEL\s+CREATED\s+LAST USED$/);
      expect(table.stdout).to.match(new RegExp(`^${id}\\s+builder\\s+acme\\s+zapier\\s+\\d{4}-`, 'm'));
      const json = await envoi(['keys', 'list', '--json'], env);
      const listed = (JSON.parse(json.stdout) as Array<Record<string, unknown>>).find((k) => k.id === id);
      expect(listed).to.include({ role: 'builder', scope: 'acme', label: 'zapier' });
      expect(Object.keys(listed!).sort()).to.deep.equal(['createdAt', 'id', 'label', 'lastUsedAt', 'role', 'scope']);
      for (const out of [table.stdout, json.stdout]) {
        expect(out).not.to.include(key);
        expect(out, 'not even the prefix of the key').not.to.include(key.slice(0, 12));
      }

      const revoked = await envoi(['keys', 'revoke', id], env);
      expect(revoked.code).to.equal(0);
      expect(revoked.stdout).to.equal(`Revoked key ${id}\n`);
      expect((await server.api('GET', '/api/v1/scopes/acme/connections', undefined, { key })).status).to.equal(401);
      expect((await envoi(['keys', 'list'], env)).stdout).not.to.include(id);
      const again = await envoi(['keys', 'revoke', id], env);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.match(/^envoi: NOT_FOUND: No API key .*\nhint: .*keys list/);
    });
  });

  it('a port already in use: one line saying what to do, no stack trace, a non-zero exit', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const r = await envoi(['serve'], { ENVOI_DATA_DIR: tempDir(), PORT: String(port), HOST: '127.0.0.1' });
      expect(r.code).to.equal(1);
      expect(r.stdout).not.to.include('listening');
      expect(plainLines(r.stderr)).to.deep.equal([`envoi: Port ${port} is in use: set PORT or stop the other process`]);
      expect(r.stderr).not.to.match(/\n\s+at /);
    } finally {
      taken.close();
    }
  });

  it('npm start without a build says in one line to run npm run build', async () => {
    // The launcher npm start runs, copied where no dist/ exists beside it.
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'scripts'));
    fs.copyFileSync('scripts/run.mjs', path.join(root, 'scripts', 'run.mjs'));
    const r = await envoi(['serve'], {}, path.join(root, 'scripts', 'run.mjs'));
    expect(r.code).to.equal(1);
    expect(r.stderr).to.equal('envoi: dist/bin/envoi.js is missing: run npm run build (npm install runs it too)\n');
    // npm start runs that launcher and nothing builds before it.
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prestart).to.equal(undefined);
    expect(pkg.scripts.start).to.match(/scripts\/run\.mjs serve$/);
    // With the build in place, the same launcher runs the command.
    const built = await envoi(['--version'], {}, path.resolve('scripts/run.mjs'));
    expect(built.stdout).to.match(/^\d+\.\d+\.\d+/);
  });
});
