import type { FormatParser } from './types.js';

/** Placeholder until PDF extraction lands. */
export const parsePdf: FormatParser = async (file) => ({ documents: [], skipped: [{ source: file.source, reason: 'PDF is not supported yet' }] });
