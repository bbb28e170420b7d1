// The connection test's progress (the stage being tried, the seconds elapsed) and outcome beside its button.

export const connectionTest = {
  'test.elapsed': "{count} s",
  'test.outcomeOk': "✓ The connection works",
  'test.outcomeFail': "✗ Failed at {stage}",
  'test.stage.dns': "Looking up the server…",
  'test.stage.connect': "Connecting…",
  'test.stage.tls': "Securing the connection (TLS)…",
  'test.stage.auth': "Signing in…",
  'test.stage.send': "Sending…",
};
