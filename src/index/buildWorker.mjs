// Worker bootstrap: Node 20 does not apply `--import` loader hooks to a worker's entry file, so
// the worker registers tsx itself and then loads the TypeScript worker (buildWorker.ts).
import { register } from 'tsx/esm/api';

register();
await import('./buildWorker.ts');
