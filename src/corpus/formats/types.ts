import type { DocumentMetadata, SkippedSource, SourceDocument } from '../document.js';

/** A file found in the corpus, already checked to be non-empty, text, and valid UTF-8. */
export interface CorpusFile {
  /** Path relative to the project root, forward slashes: what citations show. */
  readonly source: string;
  /** Path relative to the corpus folder without extension: the document id of a single-document file. */
  readonly idBase: string;
  readonly text: string;
  /** Metadata from a sidecar file (`name.meta.json`), if there is one. */
  readonly sidecar: DocumentMetadata;
}

export interface ParsedFile {
  readonly documents: SourceDocument[];
  readonly skipped: SkippedSource[];
}

export type FormatParser = (file: CorpusFile) => ParsedFile;
