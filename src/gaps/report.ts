import { documentOfPassage, type IndexVersion } from '../index/backend.js';
import { DEFAULT_DENSE_WEIGHT, retrieve } from '../search/answer.js';
import { DEFAULT_GROUP_THRESHOLD, centroid, groupByWording } from './cluster.js';
import { DOWN_REASONS, type DownReason, type FeedbackLog } from './records.js';

/** One need the corpus does not meet: questions worded alike that were declined or got 👎. */
export interface GapGroup {
  /** The most asked wording (the earliest asked among equals). */
  readonly question: string;
  /** Up to 3 other wordings, most asked first. */
  readonly otherWordings: string[];
  /** How many more wordings there are beyond those. */
  readonly moreWordings: number;
  /** Times a question of this group was asked and then declined or voted 👎 (one per answer). */
  readonly asked: number;
  readonly declined: number;
  /** 👎 votes (one per member and answer: the latest vote counts). */
  readonly down: number;
  /** What the 👎 voters said was wrong, where they said it. */
  readonly reasons: Partial<Record<DownReason, number>>;
  /** The documents nearest to the group's questions in the current index, best first. */
  readonly closest: { id: string; title: string }[];
}

export interface GapsReport {
  readonly groups: GapGroup[];
  readonly totals: { asked: number; declined: number; down: number; wordings: number };
  readonly threshold: number;
  /** The index version the closest documents came from; absent when there was none. */
  readonly indexVersion?: string;
}

export interface GapsOptions {
  /** Embeds a question as a query (the model the index was built with). */
  embed(question: string): Promise<Float32Array>;
  /** The index to find the closest documents in; without it, none are listed. */
  readonly index?: IndexVersion;
  readonly threshold?: number;
  /** Documents listed per group. */
  readonly closestDocuments?: number;
}

interface Occurrence {
  answerId: string;
  question: string;
  time: string;
  declined: boolean;
  downVotes: number;
  reasons: DownReason[];
}

/**
 * The gaps in the corpus as the feedback file shows them: every answer that was declined or got a
 * 👎 is one occurrence of its question; occurrences are grouped by similar wording (cluster.ts),
 * most asked group first, and each group gets the documents retrieval finds nearest to it.
 */
export async function findGaps(log: FeedbackLog, options: GapsOptions): Promise<GapsReport> {
  const threshold = options.threshold ?? DEFAULT_GROUP_THRESHOLD;
  const byAnswer = new Map<string, Occurrence>();
  const occurrence = (answerId: string, question: string, time: string) => {
    let o = byAnswer.get(answerId);
    if (!o) byAnswer.set(answerId, (o = { answerId, question, time, declined: false, downVotes: 0, reasons: [] }));
    return o;
  };
  for (const d of log.declined) occurrence(d.answerId, d.question, d.time).declined = true;
  for (const v of log.votes) {
    if (v.vote !== 'down') continue;
    const o = occurrence(v.answerId, v.question, v.time);
    o.downVotes++;
    if (!v.answered) o.declined = true;
    if (v.reason) o.reasons.push(v.reason);
  }

  // Distinct wordings (case and spacing aside), most asked first, then earliest.
  const wordings = new Map<string, { text: string; count: number; first: string; occurrences: Occurrence[] }>();
  for (const o of byAnswer.values()) {
    const key = o.question.toLowerCase().replace(/\s+/g, ' ').trim();
    const w = wordings.get(key) ?? { text: o.question, count: 0, first: o.time, occurrences: [] };
    w.count++;
    if (o.time < w.first) [w.first, w.text] = [o.time, o.question];
    w.occurrences.push(o);
    wordings.set(key, w);
  }
  const ordered = [...wordings.values()].sort((a, b) => b.count - a.count || a.first.localeCompare(b.first));
  const vectors: Float32Array[] = [];
  for (const w of ordered) vectors.push(await options.embed(w.text));

  const groups = await Promise.all(groupByWording(vectors, threshold).map(async (members) => {
    const ws = members.map((m) => ordered[m]!);
    const all = ws.flatMap((w) => w.occurrences);
    const reasons: Partial<Record<DownReason, number>> = {};
    for (const r of all.flatMap((o) => o.reasons)) reasons[r] = (reasons[r] ?? 0) + 1;
    return {
      group: {
        question: ws[0]!.text,
        otherWordings: ws.slice(1, 4).map((w) => w.text),
        moreWordings: Math.max(0, ws.length - 4),
        asked: all.length,
        declined: all.filter((o) => o.declined).length,
        down: all.reduce((n, o) => n + o.downVotes, 0),
        reasons,
        closest: options.index ? await closestDocuments(options.index, centroid(members.map((m) => vectors[m]!)), ws[0]!.text, options.closestDocuments ?? 3) : [],
      },
      first: ws.reduce((t, w) => (w.first < t ? w.first : t), ws[0]!.first),
    };
  }));
  groups.sort((a, b) => b.group.asked - a.group.asked || b.group.down - a.group.down || a.first.localeCompare(b.first));
  const occurrences = [...byAnswer.values()];
  return {
    groups: groups.map((g) => g.group),
    totals: {
      asked: occurrences.length,
      declined: occurrences.filter((o) => o.declined).length,
      down: occurrences.reduce((n, o) => n + o.downVotes, 0),
      wordings: ordered.length,
    },
    threshold,
    ...(options.index && { indexVersion: options.index.version }),
  };
}

/** The distinct documents of the best passages for a direction and a wording (dense + BM25, as answers are found). */
async function closestDocuments(index: IndexVersion, vector: Float32Array, question: string, count: number): Promise<{ id: string; title: string }[]> {
  const out: { id: string; title: string }[] = [];
  const seen = new Set<string>();
  const documentOf = documentOfPassage(index.catalog);
  for (const c of await retrieve(index, vector, question, DEFAULT_DENSE_WEIGHT, 30)) {
    const doc = documentOf(c.passage);
    if (doc === undefined || seen.has(doc.id)) continue;
    seen.add(doc.id);
    out.push({ id: doc.id, title: doc.title });
    if (out.length === count) break;
  }
  return out;
}

export function reasonSummary(reasons: Partial<Record<DownReason, number>>): string {
  return (Object.keys(DOWN_REASONS) as DownReason[])
    .filter((r) => reasons[r])
    .map((r) => `${DOWN_REASONS[r]} ${reasons[r]}`)
    .join(', ');
}
