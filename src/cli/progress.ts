import type { BuildProgress } from '../index/build.js';

const LABEL: Record<BuildProgress['phase'], string> = {
  fetching: 'Fetching web pages',
  reading: 'Reading corpus',
  embedding: 'Embedding passages',
  indexing: 'Building indexes',
  writing: 'Writing index',
};

/**
 * A progress bar on stderr (never stdout, which carries answers). On a terminal it redraws one
 * line; otherwise it prints a line per phase and every 10% of the embedding, so logs stay short.
 */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): { update(p: BuildProgress): void; done(): void } {
  const tty = Boolean(stream.isTTY);
  let phase = '';
  let lastDecile = -1;
  let started = 0;
  let drawn = false;
  return {
    update(p) {
      if (p.phase !== phase) {
        if (drawn && tty) stream.write('\n');
        phase = p.phase;
        lastDecile = -1;
        started = performance.now();
        if (!tty) stream.write(`${LABEL[p.phase]}…\n`);
      }
      if (p.phase !== 'embedding' || p.total === 0) return;
      const fraction = p.done / p.total;
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? p.done / seconds : 0;
      const eta = rate > 0 ? Math.round((p.total - p.done) / rate) : 0;
      const text = `${LABEL.embedding} [${'#'.repeat(Math.round(fraction * 24)).padEnd(24, '-')}] ${p.done}/${p.total}  ${rate.toFixed(1)}/s  ETA ${eta}s`;
      if (tty) {
        stream.write(`\r${text}`);
        drawn = true;
      } else if (Math.floor(fraction * 10) > lastDecile) {
        lastDecile = Math.floor(fraction * 10);
        stream.write(`${text}\n`);
      }
    },
    done() {
      if (drawn && tty) stream.write('\n');
      drawn = false;
    },
  };
}
