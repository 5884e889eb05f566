#!/usr/bin/env node
// Plants a fixture's defect into a copy of a site: `node tests/audit/plant.mjs FIXTURE SITE`.
// FIXTURE/plant.json says what the defect is, which axe rule must find it, and the edits:
//   { "defect": "…", "expect": "color-contrast",
//     "edits": [ { "file": "themes/…", "append": "…" },
//                { "file": "themes/…", "find": "…", "replace": "…" } ] }
// A `find` must occur exactly once in the file: a fixture whose text the theme no longer has
// stops here, loudly, instead of planting nothing and letting the audit pass.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const [fixture, site] = process.argv.slice(2);
if (!fixture || !site) {
  console.error('usage: node tests/audit/plant.mjs FIXTURE_DIR SITE_DIR');
  process.exit(2);
}
const plant = JSON.parse(readFileSync(path.join(fixture, 'plant.json'), 'utf8'));

function stale(message) {
  console.error(`plant.mjs: ${fixture}: ${message}: the fixture is stale; update its plant.json to the theme`);
  process.exit(2);
}

for (const edit of plant.edits) {
  const file = path.join(site, edit.file);
  if (!existsSync(file)) stale(`${edit.file} does not exist`);
  let text = readFileSync(file, 'utf8');
  if (edit.append !== undefined) {
    text += edit.append;
  } else {
    const times = text.split(edit.find).length - 1;
    if (times !== 1) stale(`${edit.file} has ${times} copies of ${JSON.stringify(edit.find)} (expected exactly one)`);
    text = text.replace(edit.find, () => edit.replace);
  }
  writeFileSync(file, text);
}
console.log(`planted: ${plant.defect} (axe must report ${plant.expect})`);
