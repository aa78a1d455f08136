import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bestOf } from '../../src/index/lexical.js';
import { retrieve } from '../../src/search/answer.js';
import type { Footnote } from '../../src/service.js';
import { cachedFootnote, seedIndexedWorkspace, testModel } from '../helpers/footnote.js';
import { seededRandom } from '../helpers/random.js';
import { removeTempDirs } from '../helpers/workspace.js';

afterAll(removeTempDirs);

describe('BM25 keeps the best hits with a bounded heap', () => {
  it('GIVEN random scores with many ties THEN it returns exactly what a full sort would, best first', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 200; round++) {
      const size = 1 + Math.floor(random() * 300);
      const scores = new Float64Array(size + 10);
      const touched: number[] = [];
      for (let passage = 0; passage < size; passage++) {
        if (random() < 0.3) continue;
        // Few distinct values, so ties are common and the passage-number tie-break is exercised.
        scores[passage] = 1 + Math.floor(random() * 8);
        touched.push(passage);
      }
      touched.sort(() => random() - 0.5);
      const limit = Math.floor(random() * 60);
      const expected = [...touched]
        .sort((a, b) => scores[b]! - scores[a]! || a - b)
        .slice(0, limit)
        .map((passage) => ({ passage, score: scores[passage]! }));
      expect(bestOf(touched, scores, limit), `round ${round}`).toEqual(expected);
    }
  });
});

describe('retrieval over the seed corpus', () => {
  let footnote: Footnote;

  beforeAll(async () => {
    footnote = await cachedFootnote((await seedIndexedWorkspace()).config());
  });

  it('GIVEN a passage only BM25 found THEN its fused dense score is the lowest dense hit’s cosine, an upper bound on its own', async () => {
    const { embedder } = await testModel();
    const view = await footnote.index.view([]);
    const question = 'What did the Fraternal Order of Police say about qualified immunity?';
    const vector = await embedder.embedQuery(question);
    // A small pool, so BM25 finds passages the dense ranking left out.
    const candidates = await retrieve(footnote.index, vector, question, 0.6, 5);
    const dense = candidates.filter((c) => c.denseExact);
    const lexicalOnly = candidates.filter((c) => !c.denseExact);
    expect(dense).toHaveLength(5);
    expect(lexicalOnly.length).toBeGreaterThan(0);
    const floor = Math.min(...dense.map((c) => c.dense));
    for (const c of dense) expect(c.dense).toBeCloseTo(view.similarity(vector, c.passage), 5);
    for (const c of lexicalOnly) {
      expect(c.dense).toBe(floor);
      expect(c.lexical).toBeGreaterThan(0);
      expect(view.similarity(vector, c.passage)).toBeLessThanOrEqual(floor + 1e-6);
    }
    expect(candidates.map((c) => c.fused)).toEqual([...candidates.map((c) => c.fused)].sort((a, b) => b - a));
  });
});
