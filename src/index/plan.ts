/** What an update has to do, document by document. */
export interface UpdatePlan {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
  readonly unchanged: string[];
}

/**
 * Compares the content hashes the index was built from with the corpus now. Without a previous
 * index everything is added.
 */
export function planUpdate(
  indexed: Readonly<Record<string, string>> | undefined,
  corpus: readonly { id: string; hash: string }[],
): UpdatePlan {
  const plan: UpdatePlan = { added: [], changed: [], removed: [], unchanged: [] };
  const present = new Set<string>();
  for (const { id, hash } of corpus) {
    present.add(id);
    const before = indexed?.[id];
    if (before === undefined) plan.added.push(id);
    else if (before !== hash) plan.changed.push(id);
    else plan.unchanged.push(id);
  }
  for (const id of Object.keys(indexed ?? {})) if (!present.has(id)) plan.removed.push(id);
  return plan;
}

export function isNoop(plan: UpdatePlan): boolean {
  return plan.added.length === 0 && plan.changed.length === 0 && plan.removed.length === 0;
}
