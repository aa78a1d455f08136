/**
 * A tiny PDF writer for test fixtures: pages of positioned text in the standard fonts (no embedded
 * fonts, WinAnsiEncoding), plus the few oddities the reader must cope with: ligature glyphs, an
 * /Info title or XMP title, a password, a page that is only an image. Text is written in exactly the
 * order given, so a test can interleave columns the way some producers do. Output is deterministic.
 */

export type StandardFont = 'Helvetica' | 'Helvetica-Bold' | 'Times-Roman';

export interface PdfTextRun {
  readonly text: string;
  /** Baseline start, in points from the bottom left corner. */
  readonly x: number;
  readonly y: number;
  readonly size?: number;
  readonly font?: StandardFont;
}

export interface PdfPage {
  readonly runs: readonly PdfTextRun[];
  /** Paints a grey image over most of the page (a scanned page has an image and no text). */
  readonly image?: boolean;
  readonly width?: number;
  readonly height?: number;
}

export interface PdfOptions {
  /** /Title in the /Info dictionary. */
  readonly title?: string;
  /** dc:title in an XMP metadata stream. */
  readonly xmpTitle?: string;
  /**
   * The fonts get an /Encoding with /Differences mapping byte 1 to the glyph /fi and byte 2 to /fl;
   * write "ﬁ" (U+FB01) and "ﬂ" (U+FB02) in the text to use them, as typeset PDFs do.
   */
  readonly ligatures?: boolean;
  /** An /Encrypt dictionary in the trailer whose user password is not empty: unreadable without it. */
  readonly encrypted?: boolean;
}

const FONTS: readonly StandardFont[] = ['Helvetica', 'Helvetica-Bold', 'Times-Roman'];

/** WinAnsiEncoding bytes of the characters outside Latin-1 that fixtures use. */
const WIN_ANSI: Record<string, number> = {
  '€': 0x80, '‚': 0x82, '„': 0x84, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '™': 0x99,
};

/** Builds a PDF file of `pages`. */
export function writePdf(pages: readonly PdfPage[], options: PdfOptions = {}): Uint8Array {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body);
  const ref = (n: number) => `${n} 0 R`;

  // Fixed numbers: 1 catalog, 2 page tree, 3.. fonts, then the pages and the rest.
  const fontBase = 3;
  const firstPage = fontBase + FONTS.length;
  const perPage = 3; // page, content stream, image (always reserved, so numbering stays simple)
  const after = firstPage + pages.length * perPage;
  const infoNumber = after;
  const metadataNumber = after + 1;
  const encryptNumber = after + 2;

  const pageRefs = pages.map((_, i) => ref(firstPage + i * perPage));
  add(`<< /Type /Catalog /Pages ${ref(2)}${options.xmpTitle !== undefined ? ` /Metadata ${ref(metadataNumber)}` : ''} >>`);
  add(`<< /Type /Pages /Kids [${pageRefs.join(' ')}] /Count ${pages.length} >>`);
  const encoding = options.ligatures ? '<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 /fi /fl] >>' : '/WinAnsiEncoding';
  for (const font of FONTS) add(`<< /Type /Font /Subtype /Type1 /BaseFont /${font} /Encoding ${encoding} >>`);
  const fontResources = FONTS.map((_, i) => `/F${i + 1} ${ref(fontBase + i)}`).join(' ');

  pages.forEach((page, i) => {
    const number = firstPage + i * perPage;
    const width = page.width ?? 612;
    const height = page.height ?? 792;
    const xobject = page.image ? ` /XObject << /Im1 ${ref(number + 2)} >>` : '';
    add(`<< /Type /Page /Parent ${ref(2)} /MediaBox [0 0 ${width} ${height}] /Resources << /Font << ${fontResources} >>${xobject} >> /Contents ${ref(number + 1)} >>`);
    const ops: string[] = [];
    if (page.image) ops.push(`q ${width - 100} 0 0 ${height - 100} 50 50 cm /Im1 Do Q`);
    for (const run of page.runs) {
      const font = FONTS.indexOf(run.font ?? 'Helvetica') + 1;
      ops.push(`BT /F${font} ${run.size ?? 10} Tf ${num(run.x)} ${num(run.y)} Td (${pdfString(run.text, options.ligatures ?? false)}) Tj ET`);
    }
    add(stream('', ops.join('\n')));
    add(page.image ? stream('/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8', '\x40\x80\xc0\x60') : '<< >>');
  });

  add(`<< /Producer (Footnote test writer)${options.title !== undefined ? ` /Title ${textString(options.title)}` : ''} >>`);
  add(stream('/Type /Metadata /Subtype /XML', xmp(options.xmpTitle ?? '')));
  // Owner and user keys that match no password, not even the empty one.
  add(`<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <${'7a'.repeat(32)}> /U <${'3c'.repeat(32)}> >>`);

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  const id = `<${'0123456789abcdef'.repeat(2)}>`;
  const encrypt = options.encrypted ? ` /Encrypt ${ref(encryptNumber)}` : '';
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${ref(1)} /Info ${ref(infoNumber)} /ID [${id} ${id}]${encrypt} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Uint8Array.from(Buffer.from(out, 'latin1'));
}

function num(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function stream(dictionary: string, data: string): string {
  return `<< ${dictionary}${dictionary ? ' ' : ''}/Length ${data.length} >>\nstream\n${data}\nendstream`;
}

/** A literal string in the fonts' encoding, with the characters PDF syntax reserves escaped. */
function pdfString(text: string, ligatures: boolean): string {
  let out = '';
  for (const ch of text) {
    let code = ligatures && ch === 'ﬁ' ? 1 : ligatures && ch === 'ﬂ' ? 2 : (WIN_ANSI[ch] ?? ch.codePointAt(0)!);
    if (code > 0xff) code = 0x3f; // '?': outside the encoding
    if (ch === '(' || ch === ')' || ch === '\\') out += '\\' + ch;
    else if (code < 0x20 || code > 0x7e) out += '\\' + code.toString(8).padStart(3, '0');
    else out += String.fromCharCode(code);
  }
  return out;
}

/** A text string for the /Info dictionary: UTF-16BE with a byte-order mark, in hex. */
function textString(text: string): string {
  let hex = 'feff';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0');
  return `<${hex}>`;
}

function xmp(title: string): string {
  const escaped = title.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' +
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">' +
    `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${escaped}</rdf:li></rdf:Alt></dc:title>` +
    '</rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end="w"?>'
  );
}

// Typesetting: enough to lay paragraphs out in columns the way a word processor would.

/** Helvetica advance widths (1/1000 em) of the printable ASCII characters, from its AFM file. */
const HELVETICA_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584,
  584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278,
  278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
  500, 334, 260, 334, 584,
];

/** Width of `text` in Helvetica at `size` points (a slight overestimate for other fonts). */
export function textWidth(text: string, size: number): number {
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? HELVETICA_WIDTHS[code - 32]! : ch === 'ﬁ' || ch === 'ﬂ' ? 556 : 1000;
  }
  return (units * size) / 1000;
}

export interface ColumnStyle {
  readonly x: number;
  readonly width: number;
  readonly size: number;
  /** Baseline to baseline. */
  readonly leading: number;
  readonly font?: StandardFont;
  /** Extra space between paragraphs. */
  readonly paragraphGap?: number;
}

/**
 * Sets `paragraphs` in a column starting with the baseline at `top`, breaking lines at spaces,
 * after a hyphen inside a word, or at a soft hyphen (U+00AD, where a "-" is then printed; soft
 * hyphens are dropped elsewhere). Returns the lines as runs, top to bottom, and the next free baseline.
 */
export function setColumn(paragraphs: readonly string[], top: number, style: ColumnStyle): { runs: PdfTextRun[]; next: number } {
  const runs: PdfTextRun[] = [];
  let y = top;
  for (const paragraph of paragraphs) {
    for (const line of breakLines(paragraph, style.width, style.size)) {
      runs.push({ text: line, x: style.x, y, size: style.size, ...(style.font && { font: style.font }) });
      y -= style.leading;
    }
    y -= style.paragraphGap ?? 0;
  }
  return { runs, next: y };
}

function breakLines(paragraph: string, width: number, size: number): string[] {
  const fits = (s: string) => textWidth(s.replace(/\u00ad/g, ''), size) <= width;
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(/\s+/).filter(Boolean)) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    // Break inside the word at the last soft or real hyphen that still fits.
    let placed = false;
    for (let i = word.length - 1; i > 0; i--) {
      if (word[i] !== '\u00ad' && word[i - 1] !== '-') continue;
      const head = word[i] === '\u00ad' ? word.slice(0, i) + '-' : word.slice(0, i);
      const withHead = line === '' ? head : `${line} ${head}`;
      if (!fits(withHead)) continue;
      lines.push(withHead.replace(/\u00ad/g, ''));
      line = word.slice(word[i] === '\u00ad' ? i + 1 : i);
      placed = true;
      break;
    }
    if (placed) continue;
    if (line !== '') lines.push(line.replace(/\u00ad/g, ''));
    line = word;
  }
  if (line !== '') lines.push(line.replace(/\u00ad/g, ''));
  return lines;
}

/**
 * Sets `paragraphs` in side-by-side columns of equal width, balanced: the first column gets
 * half the lines (rounded up), so a paragraph, even a sentence, may run on into the next column.
 */
export function setBalancedColumns(paragraphs: readonly string[], top: number, columns: readonly { x: number }[], style: Omit<ColumnStyle, 'x'>): PdfTextRun[][] {
  const lines: { text: string; gapBefore: number }[] = [];
  paragraphs.forEach((paragraph, p) => {
    breakLines(paragraph, style.width, style.size).forEach((text, k) => lines.push({ text, gapBefore: p > 0 && k === 0 ? (style.paragraphGap ?? 0) : 0 }));
  });
  const perColumn = Math.ceil(lines.length / columns.length);
  return columns.map((column, c) => {
    let y = top;
    return lines.slice(c * perColumn, (c + 1) * perColumn).map((line, k) => {
      if (k > 0) y -= style.leading + line.gapBefore;
      return { text: line.text, x: column.x, y, size: style.size, ...(style.font && { font: style.font }) };
    });
  });
}

/** Runs of several columns in the order some producers write them: line 1 of each column, then line 2, and so on. */
export function interleave(columns: readonly (readonly PdfTextRun[])[]): PdfTextRun[] {
  const runs: PdfTextRun[] = [];
  for (let i = 0; i < Math.max(...columns.map((c) => c.length)); i++) {
    for (const column of columns) if (column[i]) runs.push(column[i]!);
  }
  return runs;
}
