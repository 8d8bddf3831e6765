// Rewrites the expected side of the golden tests (tests/fixtures/golden/*.expected.json) from the
// current cleaning and segmentation. Run by hand after a deliberate change, then review the diff:
//   npx tsx scripts/update-golden.ts
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenView } from '../tests/helpers/golden-view.ts';

const dir = 'tests/fixtures/golden';
for (const name of readdirSync(dir).filter((f) => /\.raw\.(?:txt|md)$/.test(f))) {
  const view = goldenView(name, readFileSync(join(dir, name), 'utf8'));
  writeFileSync(join(dir, name.replace(/\.raw\.(?:txt|md)$/, '.expected.json')), `${JSON.stringify(view, null, 1)}\n`);
  console.log(`${name}: ${view.length} document(s)`);
}
