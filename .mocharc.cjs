'use strict';
module.exports = {
  spec: ['dist/test/**/*.test.js'],
  reporter: './test/support/reporter.cjs',
  timeout: 30000,
  slow: 2000,
  exit: true,
};
