'use strict';
// Its own config, so mocha does not pick up the repository's (found by walking up).
module.exports = { spec: ['test/*.test.js'], timeout: 60000, exit: true };
