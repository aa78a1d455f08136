import type { Section, Span } from '../corpus/document.js';
import type { LexicalIndex } from './lexical.js';
import type { IndexManifest } from './manifest.js';
import type { VectorIndex } from './vectors.js';

/** A document as the index keeps it: enough to quote, cite and show it without the corpus. */
export interface StoredDocument {
  readonly id: string;
  readonly source: string;
  readonly title: string;
  readonly url?: string;
  readonly publisher?: string;
  readonly date?: string;
  readonly hash: string;
  readonly text: string;
  readonly firstLine: number;
  readonly linesFollowText: boolean;
  /** See SourceDocument: absent in indexes built before HTML and PDF were read, which had lines. */
  readonly hasLines?: boolean;
  readonly sections?: readonly Section[];
  readonly pageStarts?: readonly number[];
  readonly passageCount: number;
}

export interface StoredPassage {
  /** Position of the document in `IndexSnapshot.documents`. */
  readonly doc: number;
  readonly start: number;
  readonly end: number;
  /** 1-based, inclusive. */
  readonly lineStart: number;
  readonly lineEnd: number;
  /** The quotable sentences of the passage, in order. */
  readonly sentences: readonly Span[];
  /** Row of the passage's first sentence in `sentenceVectors`; the rest follow. */
  readonly sentenceRow: number;
}

/**
 * One complete, immutable version of the index. Answers are served from a snapshot; a reindex
 * builds a new one and swaps the reference, so a question never sees half of each.
 */
export interface IndexSnapshot {
  readonly version: string;
  readonly manifest: IndexManifest;
  readonly documents: readonly StoredDocument[];
  readonly passages: readonly StoredPassage[];
  /** One int8 row per sentence (unit vector × 127): what quote selection compares with the question. */
  readonly sentenceVectors: Int8Array;
  readonly vectors: VectorIndex;
  readonly lexical: LexicalIndex;
}

export const SENTENCE_SCALE = 127;

/** Unit vectors → int8 rows: a quarter of the memory, with cosines accurate to about 0.01. */
export function quantize(vector: Float32Array, out: Int8Array, offset: number): void {
  for (let d = 0; d < vector.length; d++) out[offset + d] = Math.max(-127, Math.min(127, Math.round(vector[d]! * SENTENCE_SCALE)));
}

/** Passage sentence spans are stored flat ([s0, e0, s1, e1, …]) to keep the file small. */
export function packPassage(p: StoredPassage): number[] {
  return [p.doc, p.start, p.end, p.lineStart, p.lineEnd, p.sentenceRow, ...p.sentences.flatMap((s) => [s.start, s.end])];
}

export function unpackPassage(row: readonly number[]): StoredPassage {
  const [doc, start, end, lineStart, lineEnd, sentenceRow, ...flat] = row;
  const sentences: Span[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) sentences.push({ start: flat[i]!, end: flat[i + 1]! });
  return { doc: doc!, start: start!, end: end!, lineStart: lineStart!, lineEnd: lineEnd!, sentenceRow: sentenceRow!, sentences };
}

/** What BM25 sees of a passage: the document title and the passage's sentences. */
export function lexicalText(doc: Pick<StoredDocument, 'title' | 'text'>, passage: Pick<StoredPassage, 'sentences'>): string {
  return [doc.title, ...passage.sentences.map((s) => doc.text.slice(s.start, s.end))].join('\n');
}
