import type { DocumentMetadata, SkippedSource, SourceDocument } from '../document.js';

/** A file found in the corpus: text formats get it decoded (non-empty, UTF-8 or UTF-16), binary ones as bytes. */
export interface CorpusFile {
  /** Path relative to the project root, forward slashes: what citations show. */
  readonly source: string;
  /** Path relative to the corpus folder without extension: the document id of a single-document file. */
  readonly idBase: string;
  /** The decoded file; empty for a binary format. */
  readonly text: string;
  /** The file as read; empty for a text format. */
  readonly bytes: Uint8Array;
  /** Metadata from a sidecar file (`name.meta.json`), if there is one. */
  readonly sidecar: DocumentMetadata;
}

export interface ParsedFile {
  readonly documents: SourceDocument[];
  readonly skipped: SkippedSource[];
}

export type FormatParser = (file: CorpusFile) => Promise<ParsedFile>;

/** How one file extension is read: decoded as text first, or handed over as bytes (PDF). */
export interface FormatReader {
  readonly binary: boolean;
  readonly parse: FormatParser;
}
