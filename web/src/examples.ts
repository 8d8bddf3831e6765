/** Questions that show what the search understands: keywords, plain questions, a 文号, a policy term. */
export const EXAMPLE_QUERIES = ['设备更新 贴息', '我们买了新设备，贷款利息能补吗？', '永政发〔2025〕2号', '专精特新 小巨人 奖励'];
