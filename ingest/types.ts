// The data model shared by every stage of ingest, the index and the server.
// Offsets are UTF-16 code unit offsets (JavaScript string indices) into PolicyDocument.text.

export type SourceFormat = 'txt' | 'docx' | 'pdf' | 'html' | 'md' | 'doc' | 'wps' | 'ofd' | 'xlsx' | 'xls';

/** A document read by OCR: how many pages were recognized from images, and the mean confidence (0..1) of the recognized characters. */
export interface OcrSummary {
  pages: number;
  confidence: number;
}

/** A table as rows of cells. In the cleaned text each row is one line, cells joined by " | ". */
export interface Table {
  rows: string[][];
  /** Offsets of the table's lines in the cleaned document text. */
  start: number;
  end: number;
}

/**
 * What kind of text a document is: its legal rank for laws and regulations (法律 … 地方性法规),
 * else the genre its title names (通知, 意见 …).
 */
export type DocumentType =
  | '法律'
  | '行政法规'
  | '司法解释'
  | '部门规章'
  | '地方性法规'
  | '通知'
  | '措施'
  | '规划'
  | '意见'
  | '办法'
  | '规定'
  | '决定'
  | '批复'
  | '公告'
  | '方案'
  | '解读'
  | '新闻'
  | '任免'
  | '其他';
export type DocumentStatus = '现行有效' | '已失效' | '未知';

/** One step of a document's history as its head prints it: adopted, amended, revised, issued, in force. */
export interface HistoryEvent {
  /** ISO yyyy-mm-dd */
  date: string;
  event: '通过' | '修正' | '修订' | '公布' | '批准' | '施行' | '其他';
  /** The line as printed, e.g. "2020年5月28日 第十三届全国人民代表大会第三次会议通过". */
  text: string;
}
export interface DocumentMeta {
  title: string | null;
  /** 文号, e.g. 永政发〔2025〕2号 */
  docNumber: string | null;
  /** 发文机关 */
  issuer: string | null;
  /** 成文/发布日期, or the date a law was adopted (its first 通过), ISO yyyy-mm-dd */
  date: string | null;
  type: DocumentType | null;
  region: string | null;
  /** 施行日期: the date the document takes effect, as its own text states it. */
  validFrom: string | null;
  validUntil: string | null;
  status: DocumentStatus;
  /** The adoption and amendment history printed in the document's head, oldest first. */
  history: HistoryEvent[];
}

export type ClauseKind =
  | 'preamble' // text before the first numbered clause
  | 'part' // 第X编, 第X分编
  | 'chapter' // 第X章
  | 'section' // 第X节
  | 'article' // 第X条
  | 'numbered' // 一、 （一） 1. （1） ①
  | 'enumeration' // 一是…二是…
  | 'qa' // 问…答…
  | 'box' // 专栏
  | 'heading' // an unnumbered heading (news sub-titles)
  | 'paragraph' // unnumbered text after an enumeration, belonging to the enumeration's parent
  | 'closing' // 施行日期 and 解释 provisions at the end of a document
  | 'appendix'; // 附件, 附录, 附表 and other material after the last article

export interface Clause {
  /** Stable: the same document text gives the same id on every run. */
  id: string;
  docId: string;
  parentId: string | null;
  kind: ClauseKind;
  level: number;
  /** The clause's own label as printed, e.g. "（三）", "2.", "第五条", "第一百七十七条之一"; null for unnumbered clauses. */
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
  /** In a 解读: the clause of the explained document this clause explains ("三是支持企业设备更新" -> "（三）支持企业设备更新"). */
  explains?: string;
  /** Clauses of 解读 that explain this clause. */
  interpretations?: string[];
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
  /** For a 解读: the id of the document it explains, when that document is in the corpus. */
  explains: string | null;
  /** The 解读 of this document in the corpus. */
  explainedBy: string[];
  /** Documents of the corpus this one cites by its 《title》. */
  cites: string[];
  /** Documents of the corpus that cite this one. */
  citedBy: string[];
  /** Present when some of the text was recognized by OCR from page images. */
  ocr?: OcrSummary;
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

/** What a build may be asked to embed with: auto takes bge-small-zh when its model loads, else the built-in embedder. */
export type EmbedderChoice = 'auto' | 'builtin' | 'bge-small-zh';
export const EMBEDDER_CHOICES: readonly EmbedderChoice[] = ['auto', 'builtin', 'bge-small-zh'];

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
