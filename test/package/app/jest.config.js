// One Ferrous for the whole run, started by the package's Jest global setup.
module.exports = {
  testEnvironment: 'node',
  globalSetup: 'ferrous/testing/jest-global-setup',
  globalTeardown: 'ferrous/testing/jest-global-teardown',
};
