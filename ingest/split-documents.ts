// A file may hold several documents: a gazette excerpt (a notice, then an interpretation, then a
// personnel notice) or a magazine page (two articles). Split the cleaned blocks where one begins.
import type { Block } from './clean-text.ts';
import { TITLE_END, isDateLine, isIssuerLine } from './policy-patterns.ts';

const isParagraph = (b: Block | undefined): b is { kind: 'paragraph'; text: string } => b?.kind === 'paragraph';

function nextParagraph(blocks: Block[], from: number): string | null {
  for (let k = from; k < blocks.length; k++) {
    const b = blocks[k]!;
    if (b.kind === 'paragraph') return b.text;
    if (b.kind === 'table') return null;
  }
  return null;
}

const isTitleLine = (t: string) => t.length <= 60 && !/[，。；：]/.test(t) && (TITLE_END.test(t) || /^关于/.test(t));
const isHeadline = (t: string) => t.length >= 6 && t.length <= 45 && !/[，。；：]/.test(t);

const ARTICLE = /^第[一二三四五六七八九十百千零〇两\d]+条/;

/**
 * Index of every block where a new document starts (always including 0).
 *
 * A file that names its title as a markdown level-1 heading has said where its documents begin:
 * only another level-1 heading starts one. In other files, a new masthead starts one, except inside
 * a text of articles that has not ended (no signature or date line since its last article): lists,
 * forms and reprinted texts appended after the last article belong to it.
 */
export function documentStarts(blocks: Block[]): number[] {
  const starts = [0];
  const firstText = blocks.find((b) => b.kind === 'paragraph' || b.kind === 'heading');
  if (firstText?.kind === 'heading' && firstText.level === 1) {
    let body = false;
    blocks.forEach((b, i) => {
      if (b.kind === 'heading' && b.level === 1 && body) {
        starts.push(i);
        body = false;
      } else if (b.kind === 'paragraph' || b.kind === 'table') body = true;
    });
    return starts;
  }
  let bodySeen = false;
  let inArticles = false;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    let startHere = false;
    if (b.kind === 'paragraph') {
      if (ARTICLE.test(b.text)) inArticles = true;
      else if (isDateLine(b.text)) inArticles = false;
    }
    if (inArticles && b.kind !== 'heading') continue;
    if (b.kind === 'banner') {
      startHere = bodySeen && i + 1 < blocks.length;
      if (startHere) {
        starts.push(i + 1);
        bodySeen = false;
      }
      continue;
    }
    if (!isParagraph(b)) continue;
    const text = b.text;
    const next = nextParagraph(blocks, i + 1);
    if (bodySeen) {
      // 永州市工信局解读
      if (/解读$/.test(text) && text.length <= 20) startHere = true;
      // 永州市人民政府 / 关于……的通知
      else if (isIssuerLine(text) && next !== null && isTitleLine(next)) startHere = true;
      // a headline over its author: 广东坚持守正创新 推动制造业高质量发展开新局 / 广东省工业和信息化厅
      else if (isHeadline(text) && next !== null && isIssuerLine(next) && !isDateLine(nextParagraph(blocks, i + 2) ?? '')) {
        const after = blocks.indexOf(blocks.find((x, k) => k > i && x.kind === 'paragraph')!);
        startHere = !isDateLine(nextParagraph(blocks, after + 1) ?? '');
      }
    }
    if (startHere && starts.at(-1) !== i) {
      starts.push(i);
      bodySeen = false;
      inArticles = false;
      continue;
    }
    if (/[。；]/.test(text) || text.length > 60) bodySeen = true;
  }
  return starts;
}

export function splitDocuments(blocks: Block[]): Block[][] {
  const starts = documentStarts(blocks);
  return starts
    .map((s, k) => blocks.slice(s, starts[k + 1] ?? blocks.length).filter((b) => b.kind !== 'banner'))
    .filter((part) => part.some((b) => b.kind === 'paragraph' || b.kind === 'table' || b.kind === 'heading'));
}
