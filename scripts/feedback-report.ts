/** `npm run feedback`: counts the 👍/👎 votes in FEEDBACK_FILE, per document, and lists the latest 👎 questions. */
import { readFeedback } from '../src/discord/feedback.js';
import { loadEnvironment } from '../src/environment.js';

const { config } = loadEnvironment();
const votes = readFeedback(config.discord.feedbackFile);
if (votes.length === 0) {
  console.log(`No feedback yet (${config.discord.feedbackFile}).`);
  process.exit(0);
}
const up = votes.filter((v) => v.vote === 'up').length;
console.log(`Feedback: ${votes.length} votes, ${up} 👍, ${votes.length - up} 👎 (${config.discord.feedbackFile})\n`);
const perDoc = new Map<string, { up: number; down: number }>();
for (const v of votes) {
  for (const docId of new Set(v.quotes.map((q) => q.docId))) {
    const count = perDoc.get(docId) ?? { up: 0, down: 0 };
    count[v.vote]++;
    perDoc.set(docId, count);
  }
}
console.log('document'.padEnd(60) + '   👍   👎');
for (const [docId, c] of [...perDoc].sort((a, b) => b[1].down - a[1].down)) console.log(`${docId.slice(0, 60).padEnd(60)} ${String(c.up).padStart(4)} ${String(c.down).padStart(4)}`);
const down = votes.filter((v) => v.vote === 'down').slice(-10);
if (down.length) {
  console.log('\nLatest 👎 questions:');
  for (const v of down) console.log(`- ${v.time.slice(0, 16)} ${v.answered ? '' : '(no answer) '}${v.question}`);
}
