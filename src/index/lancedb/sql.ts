/** SQL for LanceDB filters (DataFusion's dialect): literals are quoted, never interpolated raw. */

/** A string literal: single quotes doubled, as standard SQL escapes them. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** An integer literal; anything else is refused rather than written into a filter. */
export function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
  return String(value);
}

/** `column IN (…)` over integers; never empty (an empty list matches nothing). */
export function sqlIn(column: string, values: Iterable<number>): string {
  const list = [...new Set(values)].map(sqlInteger);
  return list.length ? `${column} IN (${list.join(', ')})` : 'false';
}
