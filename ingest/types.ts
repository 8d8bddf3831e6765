// The data model shared by every stage of ingest, the index and the server.
// Offsets are UTF-16 code unit offsets (JavaScript string indices) into PolicyDocument.text.

export type SourceFormat = 'txt' | 'docx' | 'pdf' | 'html' | 'md';

/** A table as rows of cells. In the cleaned text each row is one line, cells joined by " | ". */
export interface Table {
  rows: string[][];
  /** Offsets of the table's lines in the cleaned document text. */
  start: number;
  end: number;
}

export type DocumentType = '通知' | '措施' | '规划' | '意见' | '办法' | '方案' | '解读' | '新闻' | '任免' | '其他';
export type DocumentStatus = '现行有效' | '已失效' | '未知';

export interface DocumentMeta {
  title: string | null;
  /** 文号, e.g. 永政发〔2025〕2号 */
  docNumber: string | null;
  /** 发文机关 */
  issuer: string | null;
  /** 成文/发布日期, ISO yyyy-mm-dd */
  date: string | null;
  type: DocumentType | null;
  region: string | null;
  validFrom: string | null;
  validUntil: string | null;
  status: DocumentStatus;
}

export type ClauseKind =
  | 'preamble' // text before the first numbered clause
  | 'chapter' // 第X章
  | 'section' // 第X节
  | 'article' // 第X条
  | 'numbered' // 一、 （一） 1. （1） ①
  | 'enumeration' // 一是…二是…
  | 'qa' // 问…答…
  | 'box' // 专栏
  | 'heading' // an unnumbered heading (news sub-titles)
  | 'paragraph' // unnumbered text after an enumeration, belonging to the enumeration's parent
  | 'closing'; // 施行日期 and 解释 provisions at the end of a document

export interface Clause {
  /** Stable: the same document text gives the same id on every run. */
  id: string;
  docId: string;
  parentId: string | null;
  kind: ClauseKind;
  level: number;
  /** The clause's own label as printed, e.g. "（三）", "2.", "第五条"; null for unnumbered clauses. */
  label: string | null;
  /** e.g. "支持企业设备更新"; null when the clause has no heading. */
  heading: string | null;
  /** Ancestors' headings from the outermost down, each as label + heading, e.g. ["三、加快技术改造"]. */
  path: string[];
  /** The clause's own text, from its label to where its first child or next sibling begins. */
  text: string;
  start: number;
  end: number;
  tables: Table[];
  childIds: string[];
}

export interface PolicyDocument extends DocumentMeta {
  id: string;
  /** File name inside corpus/. */
  source: string;
  /** Position of this document inside its source file (0-based). */
  part: number;
  /** The cleaned text; clause and table offsets point into it. */
  text: string;
  clauses: Clause[];
  warnings: string[];
}

export interface Passage {
  id: string;
  clauseId: string;
  docId: string;
  text: string;
  start: number;
  end: number;
}

/** Components, swappable behind tiny interfaces. */
export interface Tokenizer {
  tokenize(text: string): string[];
}

export type EmbedderKind = 'transformers' | 'builtin';

export interface EmbedderInfo {
  id: string;
  kind: EmbedderKind;
  dims: number;
}

export interface Embedder {
  readonly info: EmbedderInfo;
  /** Unit-length vectors, one per text. */
  embedPassages(texts: string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]>;
  /** Unit-length vector for a query (with the model's query instruction, where it has one). */
  embedQuery(text: string): Promise<Float32Array>;
  /**
   * Identifies the exact model behind the vectors (weights included), so cached vectors are
   * reused only by the model that made them. Loads the model if needed.
   */
  fingerprint(): Promise<string>;
}

export interface ScoredId {
  /** Position of the passage in the index's passage list. */
  id: number;
  score: number;
}
