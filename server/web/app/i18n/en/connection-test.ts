// The connection test's progress and outcome beside its button.

export const connectionTest = {
  'test.elapsed': "{count} s",
  'test.outcomeOk': "✓ The connection works",
  'test.outcomeFail': "✗ Failed at {stage}",
};
