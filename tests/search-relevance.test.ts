// Honest relevance: a result counts as related only when it holds enough of what the query asks.
import { describe, expect, it } from 'vitest';
import { contentUnits, relevanceOf, RELEVANCE_LINE } from '../server/relevance.ts';

describe('relevance of a result to a query', () => {
  const clause = '（三）支持企业设备更新。抢抓政策机遇，引导企业开展工业领域大规模设备更新，对项目一年期以上设备购置贷款，由受益财政按贷款本金的1%给予贴息。';
  it('reads what is asked, not how: question and function words count for nothing', () => {
    expect(contentUnits('我们买了新设备，贷款利息能补吗？')).toEqual(['买', '新设', '设备', '贷款', '款利', '利息', '补']);
    expect(relevanceOf('设备更新 贴息', clause)).toBe(1);
  });
  it('puts an off-topic query below the line and a real question above it', () => {
    expect(relevanceOf('量子纠缠 火星殖民', clause)).toBeLessThan(RELEVANCE_LINE);
    expect(relevanceOf('我们买了新设备，贷款利息能补吗？', clause)).toBeGreaterThanOrEqual(RELEVANCE_LINE);
  });
});
