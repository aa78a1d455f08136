import { addToCorpusCommand } from './commands/addToCorpus.js';
import { corpusCommand } from './commands/corpus.js';
import { askCommand } from './commands/ask.js';
import { findSourcesCommand } from './commands/findSources.js';
import { gapsCommand } from './commands/gaps.js';
import { helpCommand } from './commands/help.js';
import { reindexCommand } from './commands/reindex.js';
import { sourceCommand } from './commands/source.js';
import { sourcesCommand } from './commands/sources.js';
import type { Command } from './context.js';

/** Every command, in one list that registration and routing both read. */
export const COMMANDS: readonly Command[] = [askCommand, findSourcesCommand, sourcesCommand, sourceCommand, reindexCommand, gapsCommand, helpCommand, addToCorpusCommand, corpusCommand];

export function commandDefinitions(commands: readonly Command[] = COMMANDS) {
  return commands.map((c) => c.definition);
}
