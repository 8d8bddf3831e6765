// How a clause is cited in Chinese official writing:
// 《永州市推动先进制造业高质量发展若干措施》（永政发〔2025〕2号）三、（三）

export interface CitedDocument {
  title: string | null;
  docNumber: string | null;
}

export interface CitedClause {
  id: string;
  parentId: string | null;
  label: string | null;
  /** The clause kind (article, numbered, box, qa, enumeration …); citations of laws and boxes need it. */
  kind?: string;
  /** The clause's own text: how many paragraphs (款) an article has before its items. */
  text?: string;
}

const ARTICLE = /^第[^条]+条(?:之[一二三四五六七八九十]+)?$/;
const CN_NUMERAL = /^[（(]([一二三四五六七八九十百]+)[）)]$/;
const DIGIT_ITEM = /^[（(]?(\d{1,3})[）)、.．]?$/;
const CIRCLED = /^[①-⑳]$/;

/** 1 -> 一, 12 -> 十二, 20 -> 二十: how a 款 or 项 is numbered in a citation. */
function chineseOrdinal(n: number): string {
  const digits = '零一二三四五六七八九';
  if (n < 10) return digits[n]!;
  if (n < 100) return `${n >= 20 ? digits[Math.floor(n / 10)] : ''}十${n % 10 === 0 ? '' : digits[n % 10]}`;
  return String(n);
}

/** An article's paragraphs (款) in its own text, before its items. */
const paragraphsOf = (c: CitedClause | undefined) => (c?.text ?? '').split('\n').filter((p) => p.trim() !== '').length;

const isArticle = (c: CitedClause | undefined) => c !== undefined && (c.kind === 'article' || ARTICLE.test(c.label ?? ''));

/** How a label reads inside a citation, given the label above it. */
function citedLabel(c: CitedClause, parent: CitedClause | undefined, grandparent: CitedClause | undefined, siblings: readonly CitedClause[]): string {
  const label = c.label!.trim();
  // 专栏 5 -> 专栏5
  if (c.kind === 'box') return label.replace(/\s+/g, '');
  // the third 问 of an interview: 问3
  if (c.kind === 'qa' && label === '问') return `问${siblings.filter((s) => s.kind === 'qa' && s.label === '问').findIndex((s) => s.id === c.id) + 1}`;
  if (c.kind === 'enumeration') return `（${label}）`;
  const numeral = CN_NUMERAL.exec(label)?.[1] ?? DIGIT_ITEM.exec(label)?.[1];
  if (numeral && isArticle(parent)) {
    // items of an article: 第九百零九条第一项, or 第二款第三项 when items follow the article's second paragraph
    const paragraphs = paragraphsOf(parent);
    return `${paragraphs > 1 ? `第${chineseOrdinal(paragraphs)}款` : ''}第${numeral}项`;
  }
  // items of a later paragraph of the article, whose 第N款 the paragraph gives
  if (numeral && parent?.kind === 'paragraph' && isArticle(grandparent)) return `第${numeral}项`;
  if (parent && CN_NUMERAL.test(parent.label ?? '') && isArticle(grandparent)) {
    // 目 under an article's 项: 第一项第2目
    const digit = DIGIT_ITEM.exec(label)?.[1] ?? (CIRCLED.test(label) ? String(label.charCodeAt(0) - 0x2460 + 1) : undefined);
    if (digit) return `第${digit}目`;
  }
  // a numbered item of a box: 专栏5第2项 (not "专栏 52.")
  if (parent?.kind === 'box') {
    const digit = DIGIT_ITEM.exec(label)?.[1];
    if (digit) return `第${digit}项`;
  }
  return label;
}

/** A document's clauses by id and by parent, made once where many clauses of it are cited. */
export interface ClauseTree {
  byId: ReadonlyMap<string, CitedClause>;
  /** Each parent's children in document order; the top-level clauses under null. */
  childrenOf: ReadonlyMap<string | null, readonly CitedClause[]>;
}

export function clauseTree(clauses: readonly CitedClause[]): ClauseTree {
  const childrenOf = new Map<string | null, CitedClause[]>();
  for (const c of clauses) {
    const siblings = childrenOf.get(c.parentId);
    if (siblings === undefined) childrenOf.set(c.parentId, [c]);
    else siblings.push(c);
  }
  return { byId: new Map(clauses.map((c) => [c.id, c])), childrenOf };
}

/**
 * The labels from the outermost ancestor down to the clause itself; unnumbered clauses add nothing.
 * Under an article (第X条) the article's own label starts the citation.
 */
export function clauseLabels(clauseId: string, clauses: readonly CitedClause[] | ClauseTree): string[] {
  const { byId, childrenOf } = 'byId' in clauses ? clauses : clauseTree(clauses);
  const childrenOfParent = (id: string | null) => childrenOf.get(id) ?? [];
  const chain: CitedClause[] = [];
  const seen = new Set<string>();
  let current = byId.get(clauseId);
  // `seen` guards against a malformed tree whose parent links form a loop
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    chain.unshift(current);
    current = current.parentId === null ? undefined : byId.get(current.parentId);
  }
  const labels: string[] = [];
  chain.forEach((c, k) => {
    const parent = chain[k - 1];
    if (c.kind === 'paragraph' && !c.label?.trim() && isArticle(parent)) {
      // a paragraph after an article's items: 第一百七十七条第二款
      const before = childrenOfParent(parent!.id).filter((s) => s.kind === 'paragraph').findIndex((s) => s.id === c.id);
      labels.push(`第${chineseOrdinal(paragraphsOf(parent) + before + 1)}款`);
      return;
    }
    if (!c.label?.trim()) return;
    labels.push(citedLabel(c, chain[k - 1], chain[k - 2], childrenOfParent(c.parentId)));
  });
  // Articles are numbered through the whole law: 《民法典》第一千条, not …第四编第一章第一千条.
  const article = labels.findIndex((l) => ARTICLE.test(l));
  return article > 0 ? labels.slice(article) : labels;
}

/**
 * 《title》（文号）labels. A title that itself quotes a document (a 解读 of 《…》) uses 〈〉 inside,
 * the rule for book-title marks within book-title marks.
 */
export function formatCitation(doc: CitedDocument, labels: readonly string[] = []): string {
  const title = doc.title?.trim();
  const number = doc.docNumber?.trim();
  const parts = [
    title ? `《${title.replaceAll('《', '〈').replaceAll('》', '〉')}》` : '',
    number ? `（${number}）` : '',
    labels.join(''),
  ];
  return parts.join('');
}

export function citeClause(doc: CitedDocument, clauseId: string | null, clauses: readonly CitedClause[] | ClauseTree): string {
  return formatCitation(doc, clauseId === null ? [] : clauseLabels(clauseId, clauses));
}
