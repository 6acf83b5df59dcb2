import { jestGlobalTeardown } from './index';

/** Jest's `globalTeardown` module: `"globalTeardown": "ferrous/testing/jest-global-teardown"`. */
export = jestGlobalTeardown;
