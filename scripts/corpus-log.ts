/** `npm run corpus-log`: prints the audit log of changes made to the corpus from Discord (AUDIT_FILE), oldest first. No token needed. */
import { formatAuditEntry, readAudit } from '../src/curate/audit.js';
import { loadEnvironment } from '../src/environment.js';

const { config } = loadEnvironment();
const file = config.discord.auditFile;
const { entries, problems } = readAudit(file);
if (entries.length === 0 && problems.length === 0) {
  console.log(`No changes to the corpus from Discord yet (${file}).`);
  process.exit(0);
}
console.log(`Corpus changes from Discord: ${entries.length} (${file})\n`);
for (const entry of entries) console.log(formatAuditEntry(entry));
for (const problem of problems) console.error(`${file}: ${problem}`);
