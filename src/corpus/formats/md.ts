import { markdownHeadings, parseFrontMatter } from '../metadata.js';
import { makeDocument, titleFromPath } from './build.js';
import type { FormatParser } from './types.js';

/** A Markdown file is one document; front matter and sidecar supply metadata (sidecar wins). */
export const parseMarkdown: FormatParser = async (file) => {
  const { metadata, problems, bodyStart } = parseFrontMatter(file.text);
  return {
    documents: [
      makeDocument({
        id: file.idBase,
        source: file.source,
        text: file.text,
        metadata: { ...metadata, ...file.sidecar },
        bodyStart,
        extraUnquotable: markdownHeadings(file.text, bodyStart),
        fallbackTitle: titleFromPath(file.idBase),
      }),
    ],
    skipped: problems.map((problem) => ({ source: file.source, reason: `front matter ${problem}` })),
  };
};
