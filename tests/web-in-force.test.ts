// 仅现行有效 is on by default for a collection whose documents mostly have a known status.
import { describe, expect, it } from 'vitest';
import { inForceOnlyByDefault } from '../web/src/pages/SearchPage.tsx';

describe('仅现行有效 by default', () => {
  const health = (statuses: Record<string, number>) => ({ status: 'ok' as const, builtAt: '', documents: Object.values(statuses).reduce((a, b) => a + b, 0), statuses });
  it('is on for a collection of laws, whose status is known', () => {
    expect(inForceOnlyByDefault(health({ 现行有效: 1306, 未知: 111 }))).toBe(true);
  });
  it('is off for a mixed collection of notices, news and speeches', () => {
    expect(inForceOnlyByDefault(health({ 现行有效: 3, 已失效: 2, 未知: 3 }))).toBe(false);
    expect(inForceOnlyByDefault(undefined)).toBe(false);
  });
});
