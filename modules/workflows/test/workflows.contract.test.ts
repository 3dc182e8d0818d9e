import { describeWorkflowsSuite } from './support/workflows-suite.js';
import { migratedPglite } from './support/harness.js';

describeWorkflowsSuite('workflows on PGlite, local service', { open: migratedPglite, via: 'local' });
describeWorkflowsSuite('workflows on PGlite, remote client over HTTP', { open: migratedPglite, via: 'remote' });
