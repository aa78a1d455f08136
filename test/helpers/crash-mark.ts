/** The title suffix test/helpers/crash-writer.ts gives the version it never publishes. */
export const UNPUBLISHED_MARK = ' (never published)';
