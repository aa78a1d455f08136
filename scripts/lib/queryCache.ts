import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Embedder } from '../../src/embed/embedder.js';

/**
 * Query vectors of a fixed list of questions, kept in a file beside a benchmark's index so that
 * fitting scripts can be run again without the model. Safe because every question is embedded
 * as a forward pass of its own: the cached bits are the bits `ask` computes. The file is keyed
 * by the model and the exact questions, so any change embeds them again.
 */
export async function cachedQueryVectors(embedder: Embedder, questions: readonly string[], dir: string, onProgress?: (done: number) => void): Promise<Float32Array[]> {
  const key = createHash('sha256').update(embedder.modelId).update('\0').update(questions.join('\n')).digest('hex').slice(0, 16);
  const file = path.join(dir, `query-vectors-${key}.f32`);
  const dimension = embedder.dimension;
  if (fs.existsSync(file) && fs.statSync(file).size === questions.length * dimension * 4) {
    const bytes = fs.readFileSync(file);
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return questions.map((_, i) => all.slice(i * dimension, (i + 1) * dimension));
  }
  const vectors: Float32Array[] = [];
  for (const question of questions) {
    vectors.push(await embedder.embedQuery(question));
    if (vectors.length % 200 === 0) onProgress?.(vectors.length);
  }
  const all = new Float32Array(questions.length * dimension);
  vectors.forEach((v, i) => all.set(v, i * dimension));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(`${file}.tmp`, new Uint8Array(all.buffer));
  fs.renameSync(`${file}.tmp`, file);
  return vectors;
}
