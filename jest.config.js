/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/helpers/after-each.ts'],
  testSequencer: '<rootDir>/test/helpers/sequencer.js',
  testTimeout: 60000,
  // Integration suites share one PostgreSQL server and one Redis; each worker gets its own database.
  // Three on two cores: many files spend much of their time waiting (on processes they start, on faults, on paced
  // sends), so a third keeps the cores busy.
  maxWorkers: 3,
};
