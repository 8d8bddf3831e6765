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
}

/**
 * The labels from the outermost ancestor down to the clause itself; unnumbered clauses add nothing.
 * Under an article (第X条) the article's own label starts the citation.
 */
export function clauseLabels(clauseId: string, clauses: readonly CitedClause[]): string[] {
  const byId = new Map(clauses.map((c) => [c.id, c]));
  const labels: string[] = [];
  const seen = new Set<string>();
  let current = byId.get(clauseId);
  // `seen` guards against a malformed tree whose parent links form a loop
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    const label = current.label?.trim();
    if (label) labels.unshift(label);
    current = current.parentId === null ? undefined : byId.get(current.parentId);
  }
  // Articles are numbered through the whole law: 《民法典》第一千条, not …第四编第一章第一千条.
  const article = labels.findIndex((l) => /^第[^条]+条(?:之[一二三四五六七八九十]+)?$/.test(l));
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

export function citeClause(doc: CitedDocument, clauseId: string | null, clauses: readonly CitedClause[]): string {
  return formatCitation(doc, clauseId === null ? [] : clauseLabels(clauseId, clauses));
}
