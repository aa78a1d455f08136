import fs from 'node:fs/promises';
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

export interface VectorHit {
  readonly passage: number;
  /** Cosine similarity with the question. */
  readonly score: number;
}

/**
 * HNSW graph parameters: recorded in the manifest, since they shape the index file. `efSearch`
 * is the least breadth of a search; a search for k neighbours looks at 2k at least, because
 * at breadth k the graph returns only ~95% of the true 100 nearest on SciFact (99% at 2k).
 */
export const HNSW_PARAMS = { m: 16, efConstruction: 200, efSearch: 100 } as const;

/** Approximate nearest neighbours over passage vectors (cosine), labels = passage numbers. */
export interface VectorIndex {
  readonly size: number;
  search(query: Float32Array, limit: number): VectorHit[];
  /** Exact cosine between the question and one passage (for passages found only lexically). */
  similarity(query: Float32Array, passage: number): number;
  write(file: string): Promise<void>;
}

export function buildVectorIndex(vectors: Float32Array, dimension: number): VectorIndex {
  const count = vectors.length / dimension;
  const index = new HierarchicalNSW('cosine', dimension);
  index.initIndex({ maxElements: Math.max(1, count), m: HNSW_PARAMS.m, efConstruction: HNSW_PARAMS.efConstruction, randomSeed: 100 });
  for (let i = 0; i < count; i++) index.addPoint(Array.from(vectors.subarray(i * dimension, (i + 1) * dimension)), i);
  return wrap(index, count);
}

export function loadVectorIndex(file: string, dimension: number): VectorIndex {
  const index = new HierarchicalNSW('cosine', dimension);
  index.readIndexSync(file);
  return wrap(index, index.getCurrentCount());
}

function wrap(index: InstanceType<typeof HierarchicalNSW>, size: number): VectorIndex {
  let ef = 0;
  return {
    size,
    search(query, limit) {
      const k = Math.min(limit, size);
      if (k === 0) return [];
      const wanted = Math.max(HNSW_PARAMS.efSearch, 2 * k);
      if (wanted !== ef) index.setEf((ef = wanted));
      const { neighbors, distances } = index.searchKnn(Array.from(query), k);
      return neighbors.map((passage, i) => ({ passage, score: 1 - distances[i]! }));
    },
    similarity(query, passage) {
      const point = index.getPoint(passage);
      let sum = 0;
      for (let d = 0; d < point.length; d++) sum += point[d]! * query[d]!;
      return sum;
    },
    async write(file) {
      await index.writeIndex(file);
    },
  };
}

/** What a sound vectors.hnsw holds: the graph of `count` vectors of `dimension`, built with `m` and `efConstruction`. */
export interface HnswExpectation {
  readonly dimension: number;
  readonly count: number;
  readonly m: number;
  readonly efConstruction: number;
}

/** hnswlib's file header (hnswalg.h, saveIndex): ten size_t fields, an int, a uint and a double, little-endian. */
const HNSW_HEADER_BYTES = 96;
const UINT32 = 4;
const LABEL_BYTES = 8;

/**
 * Problems with an hnswlib index file, found from its header and link-list sizes without
 * loading it; empty when the file is sound. hnswlib trusts its file: a short or altered one
 * can make it read past its buffers and crash the process, so this runs before it sees one.
 * Checks the header against the layout hnswlib derives from the dimension and `m`, then walks
 * the upper-level link lists, whose sizes must add up to exactly the file's size.
 */
export async function checkHnswFile(file: string, expected: HnswExpectation): Promise<string[]> {
  const handle = await fs.open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    if (size < HNSW_HEADER_BYTES) return [`${size} bytes, shorter than hnswlib's ${HNSW_HEADER_BYTES}-byte header`];
    const header = Buffer.alloc(HNSW_HEADER_BYTES);
    await handle.read(header, 0, HNSW_HEADER_BYTES, 0);
    const layout = hnswLayout(expected);
    const problems = headerProblems(header, expected, layout);
    if (problems.length) return problems;

    const linksStart = HNSW_HEADER_BYTES + expected.count * layout.bytesPerElement;
    const least = linksStart + expected.count * UINT32;
    if (size < least) return [`truncated: ${size} bytes, ${expected.count} vectors of dimension ${expected.dimension} need at least ${least}`];
    const links = Buffer.alloc(size - linksStart);
    await handle.read(links, 0, links.length, linksStart);
    const maxLevel = header.readInt32LE(48);
    let at = 0;
    for (let i = 0; i < expected.count; i++) {
      if (at + UINT32 > links.length) return [`truncated: ${size} bytes end inside the link lists (element ${i} of ${expected.count})`];
      const listBytes = links.readUInt32LE(at);
      if (listBytes % layout.upperLinkBytes !== 0 || listBytes / layout.upperLinkBytes > maxLevel) {
        return [`element ${i} has an upper link list of ${listBytes} bytes, which no graph of level ${maxLevel} has`];
      }
      at += UINT32 + listBytes;
    }
    if (at > links.length) return [`truncated: ${size} bytes, the link lists need ${linksStart + at}`];
    if (at < links.length) return [`${size} bytes, ${links.length - at} more than the graph's ${linksStart + at}`];
    return [];
  } finally {
    await handle.close();
  }
}

/** The sizes hnswlib derives from the dimension and M (HierarchicalNSW's constructor, cosine = inner product on floats). */
function hnswLayout({ dimension, m, efConstruction }: HnswExpectation) {
  const level0LinkBytes = 2 * m * UINT32 + UINT32;
  return {
    level0LinkBytes,
    upperLinkBytes: m * UINT32 + UINT32,
    bytesPerElement: level0LinkBytes + dimension * 4 + LABEL_BYTES,
    labelOffset: level0LinkBytes + dimension * 4,
    efConstruction: Math.max(efConstruction, m),
  };
}

function headerProblems(header: Buffer, expected: HnswExpectation, layout: ReturnType<typeof hnswLayout>): string[] {
  const size = (offset: number) => Number(header.readBigUInt64LE(offset));
  const fields: [string, number, number][] = [
    ['offsetLevel0', size(0), 0],
    ['cur_element_count', size(16), expected.count],
    ['size_data_per_element', size(24), layout.bytesPerElement],
    ['label_offset', size(32), layout.labelOffset],
    ['offsetData', size(40), layout.level0LinkBytes],
    ['maxM', size(56), expected.m],
    ['maxM0', size(64), 2 * expected.m],
    ['M', size(72), expected.m],
    ['ef_construction', size(88), layout.efConstruction],
  ];
  const problems = fields.filter(([, found, wanted]) => found !== wanted).map(([name, found, wanted]) => `header field ${name} is ${found}, expected ${wanted}`);
  const maxElements = size(8);
  if (maxElements < expected.count) problems.push(`header field max_elements is ${maxElements}, fewer than its ${expected.count} vectors`);
  const mult = header.readDoubleLE(80);
  if (Math.abs(mult - 1 / Math.log(expected.m)) > 1e-9) problems.push(`header field mult is ${mult}, expected 1/ln(${expected.m})`);
  if (expected.count > 0) {
    const maxLevel = header.readInt32LE(48);
    const enterPoint = header.readUInt32LE(52);
    if (maxLevel < 0 || maxLevel > 64) problems.push(`header field maxlevel is ${maxLevel}`);
    if (enterPoint >= expected.count) problems.push(`header field enterpoint_node is ${enterPoint}, beyond its ${expected.count} vectors`);
  }
  return problems;
}
