import { cleanItemText } from './clean.js';

/** A text item as pdf.js reports it: `transform` is `[a, b, c, d, x, y]` in page space. */
export interface RawTextItem {
  readonly str: string;
  readonly transform: readonly number[];
  readonly width: number;
  readonly height?: number;
}

/** A run of text on one baseline, in a frame where it reads left to right and lines go down. */
export interface TextItem {
  readonly text: string;
  /** Start of the baseline. */
  readonly x: number;
  readonly y: number;
  /** Advance width along the baseline. */
  readonly width: number;
  /** Font size (the height of an em). */
  readonly size: number;
}

/** How far (degrees) text may be tilted from a right angle and still count as upright or turned. */
const MAX_TILT = 5;

/**
 * The items of one page that carry text, cleaned, in the orientation most of its text has: a
 * landscape page drawn turned reads normally, while stray text at another angle (a watermark,
 * a repository stamp in the margin) is left out. Items that are only white space are dropped;
 * the layout puts spaces where the gaps are.
 */
export function toTextItems(raw: readonly RawTextItem[]): TextItem[] {
  const placed: { text: string; quarter: number; item: RawTextItem }[] = [];
  const weight = [0, 0, 0, 0];
  for (const item of raw) {
    if (typeof item.str !== 'string' || !Array.isArray(item.transform) || item.transform.length < 6) continue;
    if (!item.transform.every(Number.isFinite) || !Number.isFinite(item.width)) continue;
    const text = cleanItemText(item.str);
    if (text.trim() === '') continue;
    const [a, b] = item.transform as [number, number];
    const degrees = (Math.atan2(b, a) * 180) / Math.PI;
    const quarter = Math.round(degrees / 90);
    if (Math.abs(degrees - quarter * 90) > MAX_TILT) continue;
    const q = ((quarter % 4) + 4) % 4;
    weight[q]! += text.length;
    placed.push({ text, quarter: q, item });
  }
  const dominant = weight.indexOf(Math.max(...weight));
  const items: TextItem[] = [];
  for (const { text, quarter, item } of placed) {
    if (quarter !== dominant) continue;
    const [, , c, d, e, f] = item.transform as [number, number, number, number, number, number];
    const size = Math.hypot(c, d) || item.height || 0;
    if (!(size > 0)) continue;
    const [x, y] = turn(e, f, dominant);
    items.push({ text, x, y, width: Math.max(0, item.width), size });
  }
  return items;
}

/** Page coordinates seen with the page turned by `quarter` quarter turns clockwise. */
function turn(x: number, y: number, quarter: number): [number, number] {
  switch (quarter) {
    case 1:
      return [y, -x];
    case 2:
      return [-x, -y];
    case 3:
      return [-y, x];
    default:
      return [x, y];
  }
}
