import { describe, expect, it } from 'vitest';
import { cjkBigrams, createChineseTokenizer, extractPolicyTerms, findDocNumbers } from '../ingest/chinese-tokenizer.ts';

// Three excerpts of corpus/…000 (永州 measures) as extracted from the PDF: hard line wraps,
// spaced-out letters, a 文号 broken across lines.
const RAW_MEASURES = `为 加 快 推 进 新 型 工 业 化 ， 构 建 永 州

“3×2”现代化产业体系，因地制宜发展新质

生产力，推动先进制造业高质量发展，根据

《中共湖南省委湖南省人民政府关于加快推进

新型工业化打造国家重要先进制造业高地的实

施意见》（湘发〔2024〕4号）等文件精神，

结合永州实际，特制定以下措施。`;
const RAW_SMES = `等优质企业，支持中小微企业走专精特新发展

之路。到2027年，培育国家级专精特新“小巨

人”企业18家以上、省级专精特新中小企业`;
const RAW_NOTICE = `近日，市人民政府印发了《永州市推进先

进制造业高质量发展若干措施》（永政发

〔2025〕2号，以下简称《若干措施》）。`;

// jieba's dictionary is one per process and only grows: the test that needs the default
// dictionary comes first, and every later test may see the terms added before it.
describe('createChineseTokenizer', () => {
  it('without a dictionary, jieba splits 专精特新 into 专精 / 特新', () => {
    const tokenizer = createChineseTokenizer();
    expect(tokenizer.tokenize('支持中小微企业走专精特新发展之路')).toEqual([
      '支持', '中小', '微', '企业', '走', '专精', '特新', '发展', '路',
    ]);
  });

  it('keeps dictionary terms whole and still emits the words inside them', () => {
    const tokenizer = createChineseTokenizer({ dictionary: ['专精特新', '小巨人', '智赋万企'] });
    expect(tokenizer.tokenize('培育专精特新“小巨人”企业')).toEqual([
      '培育', '专精', '特新', '专精特新', '巨人', '小', '小巨人', '企业',
    ]);
    expect(tokenizer.tokenize('纵深推进“智赋万企”行动')).toEqual(['纵深', '推进', '智赋', '万企', '智赋万企', '行动']);
    expect(tokenizer.dictionary).toEqual(['专精特新', '小巨人', '智赋万企']);
  });

  it('adding a term again, or from another tokenizer, changes nothing', () => {
    const a = createChineseTokenizer({ dictionary: ['专精特新'] });
    const before = a.tokenize(RAW_SMES);
    createChineseTokenizer({ dictionary: ['专精特新', '专精特新'] });
    expect(a.tokenize(RAW_SMES)).toEqual(before);
  });

  it('a text segmented before a term is added is segmented with it after, and what it returns is the caller\'s own', () => {
    const a = createChineseTokenizer();
    const before = a.tokenize('培育链主企业');
    expect(before).not.toContain('链主企业');
    before.push('改过');
    expect(a.tokenize('培育链主企业')).not.toContain('改过');
    createChineseTokenizer({ dictionary: ['链主企业'] });
    expect(a.tokenize('培育链主企业')).toContain('链主企业');
  });

  it('drops stopwords, question words and punctuation; keeps content words', () => {
    const tokenizer = createChineseTokenizer();
    expect(tokenizer.tokenize('我们买了新设备，贷款利息能补吗？')).toEqual(['买', '新', '设备', '贷款', '利息', '能补']);
    expect(tokenizer.tokenize('什么是技术改造？怎么申请贴息？')).toEqual(['技术', '改造', '技术改造', '申请', '贴息']);
    expect(tokenizer.tokenize('哪些企业可以申请补贴？')).toEqual(['企业', '申请', '补贴']);
    expect(tokenizer.tokenize('的了和与及等')).toEqual([]);
  });

  it('keeps a negated word whole: 未成年人 holds no 成年人, 不动产 no 动产', () => {
    const tokenizer = createChineseTokenizer();
    expect(tokenizer.tokenize('未成年人')).toEqual(['未成', '未成年', '未成年人']);
    expect(tokenizer.tokenize('不动产登记')).toEqual(['不动', '不动产', '登记']);
    expect(tokenizer.tokenize('非法人组织')).toEqual(['非法', '非法人', '组织']);
    expect(tokenizer.tokenize('非机动车')).not.toContain('机动车');
    // the positive words themselves, and words that only begin with such a character, are as before
    expect(tokenizer.tokenize('成年人')).toEqual(['成年', '成年人']);
    expect(tokenizer.tokenize('动产质权')).toContain('动产');
    expect(tokenizer.tokenize('不可抗力')).toEqual(['不可', '抗力', '不可抗力']);
  });

  it('lowercases Latin, turns full-width letters and digits to ASCII, trims symbols', () => {
    const tokenizer = createChineseTokenizer();
    expect(tokenizer.tokenize('ＡＩ大模型 GPU 5G，50%以上')).toEqual(['ai', '大', '模型', 'gpu', '5g', '50', '以上']);
  });

  it('joins Chinese broken by PDF line wraps', () => {
    const tokenizer = createChineseTokenizer();
    expect(tokenizer.tokenize('专精特新发展\n\n之路')).toEqual(tokenizer.tokenize('专精特新发展之路'));
    expect(tokenizer.tokenize('为 加 快 推 进')).toEqual(['加快', '推进']);
  });

  it('words() gives one word per word, in order', () => {
    const tokenizer = createChineseTokenizer({ dictionary: ['专精特新'] });
    expect(tokenizer.words('支持中小微企业走专精特新发展之路')).toEqual([
      '支持', '中小', '微', '企业', '走', '专精特新', '发展', '路',
    ]);
  });
});

describe('cjkBigrams', () => {
  it('pairs neighbouring Chinese characters, across whitespace but not across punctuation', () => {
    expect(cjkBigrams('专精特新\n发展，之路 5G')).toEqual(['专精', '精特', '特新', '新发', '发展', '之路']);
  });
});

describe('findDocNumbers', () => {
  it('normalizes every bracket style and spacing to 〔〕', () => {
    const spellings = ['湘政发〔2026〕6号', '湘政发[2026]6号', '湘政发（2026）6号', '湘政发(2026)6号', '湘政发【2026】6号', '湘政发 〔2026〕 6 号'];
    for (const s of spellings) expect(findDocNumbers(s).map((d) => d.normalized)).toEqual(['湘政发〔2026〕6号']);
  });

  it('finds the issuer code in running text', () => {
    expect(findDocNumbers('…的通知湘政发〔2026〕6号各市州').map((d) => d.normalized)).toEqual(['湘政发〔2026〕6号']);
    expect(findDocNumbers('根据湘发〔2024〕4号文件').map((d) => d.prefix)).toEqual(['湘发']);
    expect(findDocNumbers(RAW_NOTICE).map((d) => d.normalized)).toEqual(['永政发〔2025〕2号']);
    expect(findDocNumbers('2025年3月10日，第3号')).toEqual([]);
  });
});

describe('extractPolicyTerms', () => {
  it('collects quoted terms, titles and 文号 from raw seed text', () => {
    const terms = extractPolicyTerms([RAW_MEASURES, RAW_SMES, RAW_NOTICE, '纵深推进“智赋万企”行动']);
    expect(terms).toEqual([
      '中共湖南省委湖南省人民政府关于加快推进新型工业化打造国家重要先进制造业高地的实施意见',
      '小巨人',
      '智赋万企',
      '永州市推进先进制造业高质量发展若干措施',
      '永政发〔2025〕2号',
      '湘发〔2024〕4号',
      '若干措施',
    ]);
  });

  it('leaves out sentences, numbers and punctuation-heavy strings', () => {
    const terms = extractPolicyTerms([
      '构建“赋能千行百业、惠及千家万户”新生态，打造“135”工程、“1+1+N”体系，“人工智能+”行动，“算显芯端融”为主线',
    ]);
    expect(terms).toEqual(['人工智能+', '算显芯端融']);
  });
});

describe('cjkBigramCodes', () => {
  it('gives cjkBigrams as numbers, one for one', async () => {
    const { cjkBigramCodes, bigramOfCode, bigramCode } = await import('../ingest/chinese-tokenizer.ts');
    const texts = [
      '第三条　国家支持中小微企业走专精特新发展之路。',
      '湘发〔2024〕4号 若干 措施，ＡＢＣ１２３ 设 备\n更新𠀀𠀁字',
      '',
      'abc 123',
    ];
    for (const text of texts) {
      const codes = cjkBigramCodes(text);
      expect(codes.map(bigramOfCode)).toEqual(cjkBigrams(text));
      expect(cjkBigrams(text).map(bigramCode)).toEqual(codes);
    }
  });
});
