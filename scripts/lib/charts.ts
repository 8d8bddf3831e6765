// Vega-Lite spec -> PNG, headless: compile to Vega, render to SVG with the Vega view, rasterize
// with sharp. Labels stay ASCII: the SVG is rasterized with the machine's fonts, and many machines
// have no CJK font.
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

export async function chartToSvg(spec: TopLevelSpec): Promise<string> {
  const themed: TopLevelSpec = {
    background: 'white',
    ...spec,
    config: { font: FONT, ...spec.config },
  } as TopLevelSpec;
  const view = new View(parse(compile(themed).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Writes the chart as a PNG; `density` scales it for sharp screens while keeping files small. */
export async function renderChart(spec: TopLevelSpec, file: string, density = 144): Promise<void> {
  const svg = await chartToSvg(spec);
  const png = await sharp(Buffer.from(svg), { density }).png({ compressionLevel: 9, palette: true }).toBuffer();
  await writeFile(file, png);
}
