// Copies the scenarios the package ships (the seed story and the playground's
// examples, all recorded on the real kernel) from test/scenarios/ into
// scenarios/ at the package root, with scenarios/index.json listing them:
// `pidns examples` and `pidns run --example NAME` read them there. Run by
// `npm run build:ts`; scenarios/ is generated (git-ignored).
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const out = new URL('scenarios/', root);
const sources = [['seed-story', 'test/scenarios/shared/04-seed-story']];
for (const f of readdirSync(new URL('test/scenarios/playground/', root)).sort()) {
  const m = /^\d+-(.+)\.pidns$/.exec(f);
  if (m) sources.push([m[1], `test/scenarios/playground/${f.slice(0, -'.pidns'.length)}`]);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const index = [];
for (const [name, base] of sources) {
  const text = readFileSync(new URL(`${base}.pidns`, root), 'utf8');
  // The summary: the scenario's leading comment block, joined.
  const summary = text.split('\n').filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith('#')))
    .map((l) => l.replace(/^#\s?/, '').trim()).join(' ');
  copyFileSync(new URL(`${base}.pidns`, root), new URL(`${name}.pidns`, out));
  copyFileSync(new URL(`${base}.expected`, root), new URL(`${name}.expected`, out));
  index.push({ name, file: `${name}.pidns`, summary: summary || name.replace(/-/g, ' ') });
}
writeFileSync(new URL('index.json', out), JSON.stringify(index, null, 2) + '\n');
