import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { HighlightedText, findAnswer, normalizeRanges, renderHighlights, type Range } from '../web/src/highlight.tsx';

const html = (text: string, ranges: Range[]) => renderToStaticMarkup(<p>{renderHighlights(text, ranges)}</p>);

describe('normalizeRanges', () => {
  it('sorts, merges overlapping and touching ranges, drops empty ones', () => {
    const text = '0123456789';
    expect(normalizeRanges([[6, 8], [1, 3], [2, 4], [4, 5], [9, 9]], text)).toEqual([[1, 5], [6, 8]]);
  });

  it('clamps out-of-range offsets and drops reversed or non-numeric ranges', () => {
    const text = 'abcdef';
    expect(normalizeRanges([[-5, 2], [4, 99], [5, 3], [NaN, 2], [1, Infinity], [10, 12]], text)).toEqual([[0, 2], [4, 6]]);
  });

  it('never splits a surrogate pair', () => {
    const text = 'a𠮷b'; // 𠮷 is two UTF-16 code units, at 1..3
    expect(normalizeRanges([[2, 3]], text)).toEqual([[1, 3]]);
    expect(normalizeRanges([[0, 2]], text)).toEqual([[0, 3]]);
  });
});

describe('renderHighlights', () => {
  it('wraps each range in <mark>', () => {
    expect(html('支持企业设备更新', [[4, 8], [0, 2]])).toBe('<p><mark>支持</mark>企业<mark>设备更新</mark></p>');
  });

  it('renders unsorted, overlapping and out-of-range ranges as one clean set of marks', () => {
    expect(html('设备更新贴息', [[4, 60], [0, 3], [1, 2], [-3, 1]])).toBe('<p><mark>设备更</mark>新<mark>贴息</mark></p>');
  });

  it('with no ranges renders the plain text', () => {
    expect(html('没有高亮', [])).toBe('<p>没有高亮</p>');
  });

  it('keeps markup in the passage as text, escaped', () => {
    const text = '条款<script>alert(1)</script>与<img src=x onerror=alert(1)>';
    const out = html(text, [[2, 10], [33, 38]]);
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<img');
    expect(out).toBe(
      '<p>条款<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt;与&lt;img <mark>src=x</mark> onerror=alert(1)&gt;</p>',
    );
  });
});

describe('HighlightedText', () => {
  const text = '抢抓政策机遇。对设备更新项目给予贷款贴息支持。其他内容。';
  const answer = '对设备更新项目给予贷款贴息支持。';

  it('finds the answer sentence inside the passage', () => {
    expect(findAnswer(text, answer)).toEqual([7, 7 + answer.length]);
    expect(findAnswer(text, '  ')).toBeNull();
    expect(findAnswer(text, '不在文中')).toBeNull();
    expect(findAnswer(text, null)).toBeNull();
  });

  it('emphasises the answer and splits a highlight that crosses its edge', () => {
    const out = renderToStaticMarkup(<HighlightedText text={text} highlights={[[4, 9], [18, 20]]} answer={answer} />);
    expect(out).toBe(
      '抢抓政策<mark>机遇。</mark><strong class="answer"><mark>对设</mark>备更新项目给予贷款<mark>贴息</mark>支持。</strong>其他内容。',
    );
  });

  it('without an answer in the passage renders highlights only', () => {
    const out = renderToStaticMarkup(<HighlightedText text="<b>粗体</b>" highlights={[[3, 5]]} answer="别处的句子" />);
    expect(out).toBe('&lt;b&gt;<mark>粗体</mark>&lt;/b&gt;');
  });
});
