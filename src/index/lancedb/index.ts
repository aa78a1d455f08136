/** The LanceDB backend. Importing it loads nothing native: @lancedb/lancedb is loaded on first use. */
export { lancedbStore, type LancedbStoreOptions } from './store.js';
