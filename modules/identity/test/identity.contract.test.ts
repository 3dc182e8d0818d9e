import { describeIdentitySuite } from './support/identity-suite.js';
import { migratedPglite } from './support/harness.js';

describeIdentitySuite('identity on PGlite, local service', { open: migratedPglite, via: 'local' });
describeIdentitySuite('identity on PGlite, remote client over HTTP', { open: migratedPglite, via: 'remote' });
