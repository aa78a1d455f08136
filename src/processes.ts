import { readFileSync } from 'node:fs';

/**
 * Whether process `pid` on this host still runs (and so may still hold a lock or lease it took).
 * A killed process nobody has reaped yet (a zombie) still answers kill(0), but holds nothing.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
