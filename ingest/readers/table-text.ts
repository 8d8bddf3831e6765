// Tables in the raw text every reader hands to cleaning: each cell on a line of its own after a
// tab (further lines of a cell follow without one), a blank line after each row and another after
// the table — the form the DOCX reader writes and clean-text.ts reads back into rows.

export function tableText(rows: string[][]): string {
  const lines: string[] = [];
  for (const row of rows) {
    for (const cell of row) {
      const cellLines = cell.replace(/\t/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
      lines.push('\t' + cellLines.join('\n'));
    }
    lines.push('');
  }
  lines.push('');
  return lines.map((l) => l + '\n').join('');
}
