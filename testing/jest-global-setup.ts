import { jestGlobalSetup } from './index';

/** Jest's `globalSetup` module: `"globalSetup": "ferrous/testing/jest-global-setup"`. */
export = jestGlobalSetup;
