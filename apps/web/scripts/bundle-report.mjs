// Prints the web app's bundle sizes after `vite build` and fails the build when a page's initial JavaScript is
// over its budget (issue 7): the public whistleblower page 150 KB gzipped, the staff app 400 KB. "Initial" is
// the entry chunk and every chunk it imports statically (what the browser must load before the page runs);
// the areas loaded on demand (one per role) are listed beneath with their own sizes.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const outDir = fileURLToPath(new URL('../../../dist/web/', import.meta.url));
const manifest = JSON.parse(readFileSync(`${outDir}.vite/manifest.json`, 'utf8'));
const BUDGETS = { 'report.html': { name: 'public whistleblower page (/report)', kb: 150 }, 'index.html': { name: 'staff app (/)', kb: 400 } };

const gzipped = (file) => gzipSync(readFileSync(`${outDir}${file}`), { level: 9 }).length;
const kb = (bytes) => (bytes / 1024).toFixed(1).padStart(7);

function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const next of manifest[key]?.imports ?? []) closure(next, seen);
  return seen;
}

let failed = false;
console.log('\nweb bundle sizes (gzip -9):');
for (const [entry, budget] of Object.entries(BUDGETS)) {
  const chunks = [...closure(entry)].map((key) => manifest[key].file).filter((file) => file.endsWith('.js'));
  const total = chunks.reduce((sum, file) => sum + gzipped(file), 0);
  const ok = total <= budget.kb * 1024;
  failed ||= !ok;
  console.log(`  ${ok ? 'ok  ' : 'OVER'} ${budget.name}: initial JS ${kb(total).trim()} KB of ${budget.kb} KB (${chunks.length} chunks)`);
}
const lazy = Object.entries(manifest).filter(([, chunk]) => chunk.isDynamicEntry);
for (const [key, chunk] of lazy.sort(([a], [b]) => a.localeCompare(b))) {
  const own = [...closure(key)].map((k) => manifest[k].file).filter((file) => file.endsWith('.js') && !closure('index.html').has(Object.keys(manifest).find((m) => manifest[m].file === file)));
  const total = own.reduce((sum, file) => sum + gzipped(file), 0);
  console.log(`       on demand ${chunk.name ?? key}: ${kb(total).trim()} KB`);
}
if (failed) {
  console.error('web bundle over budget: split the code further (a lazy area, a lighter library)');
  process.exit(1);
}
