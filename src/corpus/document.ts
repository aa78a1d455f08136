/** A half-open character range `[start, end)` into a document's text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface DocumentMetadata {
  readonly title?: string;
  readonly url?: string;
  readonly publisher?: string;
  readonly date?: string;
}

/**
 * A heading of a document: where its section's heading starts in `text`, and the fragment id a
 * link can jump to. A quote is cited with the last section that starts at or before it ("§ Installation").
 */
export interface Section {
  readonly start: number;
  /** The heading's text on one line. */
  readonly title: string;
  /** The HTML `id` of the heading (or of the element it heads), when it has one: `url#anchor`. */
  readonly anchor?: string;
}

/** One document of the corpus, exactly as read: offsets and line numbers refer to `text`. */
export interface SourceDocument {
  /** Stable id: the path below the corpus folder without extension, or a JSONL record's id. */
  readonly id: string;
  /** Path of the file it came from, relative to the project root, with forward slashes. */
  readonly source: string;
  /**
   * For .txt and .md: the whole file, byte for byte. For JSONL: the record's `text` field. For HTML
   * and PDF: the text extracted from the file (what the index stores and /source shows).
   * Every quote is `text.slice(start, end)`.
   */
  readonly text: string;
  readonly title: string;
  readonly url?: string;
  readonly publisher?: string;
  readonly date?: string;
  /**
   * 1-based line of `source` on which `text` begins. A JSONL record sits on one line of its file,
   * so all its quotes cite that line (`linesFollowText` false); a file's lines are counted in `text`.
   */
  readonly firstLine: number;
  readonly linesFollowText: boolean;
  /**
   * False for documents whose text was extracted (HTML, PDF): its line numbers mean nothing in the
   * file, so citations name the section or page instead. Absent means true.
   */
  readonly hasLines?: boolean;
  /** Sorted by `start`. HTML documents: the headings of the main content. */
  readonly sections?: readonly Section[];
  /** PDF documents: offset in `text` at which page `i + 1` begins; `pageStarts[0]` is 0. */
  readonly pageStarts?: readonly number[];
  /** Parts of `text` that must never be quoted: front matter, headings, page furniture. */
  readonly unquotable: readonly Span[];
  /** Hash of everything that affects the index (text, title): unchanged hash, unchanged passages. */
  readonly hash: string;
}

/** A file or record that was not indexed, and why, in words a moderator can act on. */
export interface SkippedSource {
  readonly source: string;
  readonly reason: string;
}
