// Enterprise staff ask in their own words; policies are written in official ones. "贷款利息能补吗"
// is answered by a clause about 贴息, "大学" by one about 高校. This thesaurus maps everyday words
// to the words policy texts use for the same thing, so the keyword leg can find them.
//
// It is general policy vocabulary, not a list fitted to any test query: each entry is a way
// people commonly say something that policy documents say otherwise. Expansions count at half
// weight (see EXPANSION_WEIGHT in search.ts), so the user's own words still rank first.

const ENTRIES: [everyday: string, official: string[]][] = [
  // money
  ['补贴', ['补助', '奖补', '资金支持']],
  ['补助', ['补贴', '奖补']],
  ['补', ['补贴', '补助', '奖补']],
  ['给钱', ['奖励', '补贴', '资金']],
  ['多少钱', ['金额', '资金', '万元']],
  ['钱', ['资金', '金额']],
  ['奖金', ['奖励']],
  ['利息', ['贴息']],
  ['贷款', ['信贷', '融资', '贷']],
  ['借钱', ['融资', '信贷']],
  ['抽贷', ['断贷', '压贷']],
  ['银行', ['金融机构', '信贷']],
  ['减税', ['税收优惠', '减免']],
  ['税', ['税收']],
  ['电费', ['电价', '用电']],
  ['上市', ['挂牌', '上市公司']],
  // things and places
  ['买设备', ['设备购置', '设备投资', '设备更新']],
  ['新设备', ['设备更新', '设备购置']],
  ['设备', ['装备']],
  ['厂房', ['标准厂房']],
  ['租', ['租赁']],
  ['地', ['用地', '土地']],
  ['工厂', ['企业', '工厂']],
  ['开发区', ['园区', '产业园']],
  ['大学', ['高校', '高等院校']],
  ['学校', ['院校', '高校']],
  ['科研单位', ['科研院所']],
  ['小企业', ['中小企业', '中小微企业']],
  ['小公司', ['中小企业', '中小微企业']],
  ['公司', ['企业']],
  ['老板', ['企业家']],
  ['招人', ['招聘', '用工', '人才引进']],
  ['人才', ['人才引进', '引才']],
  ['员工', ['职工', '用工']],
  // actions
  ['合作', ['对接', '协同', '合作']],
  ['研发', ['研发投入', '技术攻关', '创新']],
  ['新产品', ['首台（套）', '首批次', '首版次']],
  ['专利', ['知识产权']],
  ['数字化', ['数字化转型', '智改数转']],
  ['智能化', ['智能制造', '智改数转']],
  ['自动化', ['智能制造', '技术改造']],
  ['技术升级', ['技术改造', '技改']],
  ['改造', ['技术改造', '技改']],
  ['环保', ['绿色', '节能降碳']],
  ['节能', ['节能降碳', '绿色低碳']],
  ['出口', ['外贸', '开放型经济']],
  ['扩产', ['扩能', '增资扩产']],
  ['帮企业', ['服务企业', '惠企']],
  ['有效期', ['施行', '有效期至']],
  ['什么时候', ['时间', '期限']],
];

const THESAURUS = new Map(ENTRIES);
// Longest first, so 买设备 is taken before 设备.
const KEYS = [...THESAURUS.keys()].sort((a, b) => b.length - a.length);

/** Official words for the everyday words of a query (those not already in it). */
export function expandQuery(q: string): string[] {
  const out = new Set<string>();
  let rest = q;
  for (const key of KEYS) {
    if (!rest.includes(key)) continue;
    for (const word of THESAURUS.get(key)!) if (!q.includes(word)) out.add(word);
    rest = rest.split(key).join(' ');
  }
  return [...out];
}
