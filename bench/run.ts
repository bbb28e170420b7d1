/**
 * Envoi benchmark (`npm run bench`). Everything it measures is compared with baselines measured
 * in the same run on the same machine, so the ratios mean something even where absolute numbers
 * do not travel. See bench/README.md for what each figure means.
 *
 * Processes (all on 127.0.0.1, nothing else on the network), each running this file:
 *   main   orchestrates, and is the client (HTTP load generator): run/main.ts
 *   sink   an smtp-server that counts what it receives (a mail is done when the sink has it): run/sink-role.ts
 *   sut    the system under test, a fresh process per case: Envoi (`startServer`, in-process
 *          worker), raw nodemailer, or a bare express route: run/sut-role.ts
 * They talk over fork()'s IPC channel (run/ipc.ts). Every loop is bounded in count and time, and
 * a watchdog ends the run if it ever takes longer than WATCHDOG_MS. Each role's modules are
 * loaded only in its own process, so the client never loads Envoi and the sink loads neither.
 */
const roleAt = process.argv.indexOf('--role');
const role = roleAt >= 0 ? process.argv[roleAt + 1] : undefined;
if (role === 'sink') await (await import('./run/sink-role.js')).sinkRole();
else if (role === 'sut') await (await import('./run/sut-role.js')).sutRole();
else await (await import('./run/main.js')).mainRole();

export {};
