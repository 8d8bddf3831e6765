// A plain-text table that lines up with Chinese in it (console.table counts a CJK character as
// one column; terminals draw it two wide), and the same rows as a Markdown table. Columns whose
// cells are all figures are right-aligned.

export type Cell = string | number | null | undefined;

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
const FIGURE = /^[-+]?[\d,.]+\s?(?:%|ms|s|MB|KB|GB|x|×)?$/u;

function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) ? 2 : 1;
  return width;
}

const show = (cell: Cell): string => (cell === null || cell === undefined ? '—' : String(cell));

function numericColumns(header: string[], rows: Cell[][]): boolean[] {
  return header.map((_, c) => {
    const present = rows.map((r) => r[c]).filter((cell) => cell !== null && cell !== undefined && cell !== '');
    return present.length > 0 && present.every((cell) => typeof cell === 'number' || FIGURE.test(String(cell)));
  });
}

export function textTable(header: string[], rows: Cell[][]): string {
  const cells = [header, ...rows.map((r) => header.map((_, c) => show(r[c])))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => displayWidth(r[c]!))));
  const right = numericColumns(header, rows);
  const line = (r: string[]) =>
    r
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c]! - displayWidth(cell));
        return right[c] ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function markdownTable(header: string[], rows: Cell[][]): string {
  const escape = (s: string) => s.replace(/\|/gu, '\\|');
  const right = numericColumns(header, rows);
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `|${header.map((_, c) => (right[c] ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${header.map((_, c) => escape(show(r[c]))).join(' | ')} |`),
  ].join('\n');
}
