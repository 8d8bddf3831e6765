// .xlsx (Office Open XML spreadsheets, also what WPS saves by default) via exceljs: every visible
// sheet becomes a table in the shared table form, under the sheet's name. Merged cells keep their
// text in the first cell only, dates are written yyyy-mm-dd, formulas by their cached results.
import ExcelJS from 'exceljs';
import { tableText } from './table-text.ts';

export interface SheetTable {
  name: string;
  rows: string[][];
}

/** Rows beyond this, per sheet, are left out with a warning: an attachment is a list, not a database. */
const MAX_ROWS = 20_000;

export async function readSheets(bytes: Buffer, warnings: string[]): Promise<SheetTable[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheets: SheetTable[] = [];
  workbook.eachSheet((sheet) => {
    if (sheet.state !== 'visible') return;
    const rows: string[][] = [];
    let skipped = 0;
    sheet.eachRow({ includeEmpty: false }, (row) => {
      if (rows.length >= MAX_ROWS) {
        skipped++;
        return;
      }
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, col) => {
        cells[col - 1] = cell.isMerged && cell.master.address !== cell.address ? '' : cellText(cell);
      });
      const filled = Array.from(cells, (c) => c ?? '');
      while (filled.length > 0 && filled[filled.length - 1] === '') filled.pop();
      if (filled.length > 0) rows.push(filled);
    });
    if (skipped > 0) warnings.push(`xlsx: sheet ${sheet.name}: ${skipped} rows after the first ${MAX_ROWS} are not read`);
    if (rows.length === 0) return;
    // columns empty in every row (spacing columns) go
    const width = Math.max(...rows.map((r) => r.length));
    const used = Array.from({ length: width }, (_, c) => rows.some((r) => (r[c] ?? '') !== ''));
    sheets.push({ name: sheet.name, rows: rows.map((r) => Array.from({ length: width }, (_, c) => r[c] ?? '').filter((_, c) => used[c])) });
  });
  return sheets;
}

/** Sheets as text: each sheet's name on a line (unless it is Excel's default), then its table. */
export function sheetsText(sheets: SheetTable[]): string {
  return sheets
    .map((s) => (/^(sheet|工作表)\s*\d+$/i.test(s.name.trim()) ? '' : `${s.name.trim()}\n\n`) + tableText(s.rows))
    .join('\n');
}

function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  const plain = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
    if (typeof v === 'number') return String(Number.isInteger(v) ? v : Number(v.toPrecision(12)));
    if (typeof v === 'object') {
      if ('richText' in v) return (v as ExcelJS.CellRichTextValue).richText.map((r) => r.text).join('');
      if ('result' in v || 'formula' in v || 'sharedFormula' in v) return plain((v as ExcelJS.CellFormulaValue).result);
      if ('text' in v) return plain((v as ExcelJS.CellHyperlinkValue).text);
      if ('error' in v) return '';
    }
    return String(v);
  };
  return plain(value).replace(/\s+/g, (ws) => (ws.includes('\n') ? '\n' : ' ')).trim();
}
