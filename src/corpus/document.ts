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

/** One document of the corpus, exactly as read: offsets and line numbers refer to `text`. */
export interface SourceDocument {
  /** Stable id: the path below the corpus folder without extension, or a JSONL record's id. */
  readonly id: string;
  /** Path of the file it came from, relative to the project root, with forward slashes. */
  readonly source: string;
  /**
   * For .txt and .md: the whole file, byte for byte. For JSONL: the record's `text` field.
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
