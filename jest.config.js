/** Jest projects: `npm test` runs unit, modules and plugins; `npm run test:compat` runs the differential suite. */
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/kernel/**/*.test.ts'] },
    { ...base, displayName: 'modules', testMatch: ['<rootDir>/test/modules/**/*.test.ts'] },
    { ...base, displayName: 'plugins', testMatch: ['<rootDir>/test/plugins/**/*.test.ts'] },
    { ...base, displayName: 'compat', testMatch: ['<rootDir>/test/compat/**/*.test.ts'] },
  ],
};
