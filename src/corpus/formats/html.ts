import type { FormatParser } from './types.js';

/** Placeholder until HTML extraction lands. */
export const parseHtml: FormatParser = async (file) => ({ documents: [], skipped: [{ source: file.source, reason: 'HTML is not supported yet' }] });
