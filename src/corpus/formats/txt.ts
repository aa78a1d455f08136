import { makeDocument, titleFromPath } from './build.js';
import type { FormatParser } from './types.js';

/** A plain-text file is one document; its metadata can only come from a sidecar. */
export const parseTxt: FormatParser = async (file) => ({
  documents: [
    makeDocument({
      id: file.idBase,
      source: file.source,
      text: file.text,
      metadata: file.sidecar,
      fallbackTitle: titleFromPath(file.idBase),
    }),
  ],
  skipped: [],
});
