/**
 * A corpus file's bytes as text. UTF-8 (with or without a byte-order mark) and UTF-16 with a
 * byte-order mark are read; the mark stays as U+FEFF at offset 0, so offsets and line numbers
 * are those of the decoded file. Anything else gets a reason a moderator can act on.
 */
export function decodeText(bytes: Uint8Array): { text: string } | { reason: string } {
  const [b0, b1, b2, b3] = bytes;
  if ((b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) || (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff)) {
    return { reason: 'UTF-32 text is not supported (save it as UTF-8)' };
  }
  const utf16 = b0 === 0xff && b1 === 0xfe ? 'utf-16le' : b0 === 0xfe && b1 === 0xff ? 'utf-16be' : undefined;
  if (utf16) {
    let text: string;
    try {
      text = new TextDecoder(utf16, { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return { reason: `not valid ${utf16.toUpperCase()} text, although it starts with a UTF-16 byte-order mark (save it as UTF-8)` };
    }
    if (text.slice(0, 8192).includes('\0')) return { reason: 'binary file (contains NUL characters), not text' };
    return { text };
  }
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) {
    return looksLikeUtf16(head)
      ? { reason: 'UTF-16 text without a byte-order mark is not supported (save it as UTF-8, or as UTF-16 with a BOM)' }
      : { reason: 'binary file (contains NUL bytes), not text' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { reason: 'not valid UTF-8 text (save it as UTF-8)' };
  }
}

/** Mostly-ASCII UTF-16: nearly every byte on one side of each pair is zero and hardly any on the other. */
function looksLikeUtf16(head: Uint8Array): boolean {
  const pairs = Math.floor(head.length / 2);
  if (pairs < 4) return false;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) evenZeros++;
    if (head[i + 1] === 0) oddZeros++;
  }
  const [many, few] = evenZeros > oddZeros ? [evenZeros, oddZeros] : [oddZeros, evenZeros];
  return many >= pairs * 0.6 && few <= pairs * 0.05;
}
