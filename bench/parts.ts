import { describeError } from '../src/errors.js';

/**
 * Runs one part of a benchmark so that its failure is reported (on stderr and in `errors`) and the
 * other parts still run: a benchmark that dies at minute 40 for one part measures nothing.
 */
export function partGuard(note: (message: string) => void, errors: { part: string; error: string }[]) {
  return async (part: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      note(`${part} failed: ${describeError(error)}`);
      if (error instanceof Error && error.stack) process.stderr.write(error.stack + '\n');
      errors.push({ part, error: describeError(error) });
    }
  };
}
