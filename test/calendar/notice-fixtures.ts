/** The real notice texts in test/calendar/notices/: each file is a `#` header (source), `---`, the text. */
import fs from 'node:fs';
import path from 'node:path';

const DIR = path.join(__dirname, 'notices');

export function noticeFixture(name: string): string {
  const raw = fs.readFileSync(path.join(DIR, `${name}.txt`), 'utf8');
  const at = raw.indexOf('\n---\n');
  if (at < 0) throw new Error(`${name}.txt has no header separator`);
  return raw.slice(at + 5);
}
