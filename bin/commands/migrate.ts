import type { Command } from '../cli.js';

export const migrate: Command = {
  name: 'migrate',
  summary: 'bring the database schema up to date and exit',
  help: `Usage: envoi migrate

Applies the database migrations not yet applied (SQLite in ENVOI_DATA_DIR, or DATABASE_URL) and
exits. serve and worker do this on start too; run it alone before starting many processes at once
or to check a database.

Options:
  -h, --help  show this help`,
  async run() {
    // Loaded when run, so --help answers without loading the database drivers.
    const { loadConfig } = await import('../../connector/config.js');
    const { migrate: runMigrations, openDatabase } = await import('../../connector/store/database.js');
    const db = openDatabase(loadConfig());
    try {
      const applied = await runMigrations(db);
      process.stdout.write(applied.length ? `Applied ${applied.join(', ')}\n` : 'Database is up to date\n');
    } finally {
      await db.close();
    }
  },
};
