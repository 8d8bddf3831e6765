// Enterprise staff ask in their own words; policies and laws are written in official ones. "贷款利息能补吗"
// is answered by a clause about 贴息, "大学" by one about 高校, "房东要涨房租" by one about the
// 出租人. This thesaurus maps everyday words to the words policy and legal texts use for the same
// thing, so the keyword leg (and the built-in embedder) can find them.
//
// It is general vocabulary, not a list fitted to any test query: each entry is a way people
// commonly say something that the texts say otherwise. Expansions count at half weight
// (FUSION.expansionWeight in search.ts), so the user's own words still rank first.

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

// Laws and regulations: how people name a dispute, and the words the statute names it with.
// An empty list keeps a word from being read as a shorter one inside it (偷税 is not 偷).
const LAW_ENTRIES: [everyday: string, official: string[]][] = [
  // crime and punishment
  ['偷', ['盗窃']],
  ['偷税', ['逃避缴纳税款']],
  ['偷渡', ['偷越国（边）境']],
  ['偷越', []],
  ['抢钱', ['抢劫', '抢夺']],
  ['抢东西', ['抢劫', '抢夺']],
  ['被骗', ['诈骗']],
  ['骗子', ['诈骗']],
  ['骗钱', ['诈骗']],
  ['打人', ['殴打', '故意伤害']],
  ['打架', ['斗殴', '殴打']],
  ['杀人', ['故意杀人']],
  ['酒驾', ['饮酒', '醉酒驾驶']],
  ['醉驾', ['醉酒驾驶']],
  ['吸毒', ['吸食', '毒品']],
  ['坐牢', ['有期徒刑', '刑罚']],
  ['判刑', ['判处', '刑罚']],
  ['犯法', ['违法', '犯罪']],
  ['敲诈', ['敲诈勒索']],
  ['骂人', ['侮辱']],
  ['造谣', ['捏造', '诽谤']],
  ['警察', ['公安机关', '人民警察']],
  ['报警', ['公安机关', '报案']],
  ['派出所', ['公安机关']],
  // family
  ['老公', ['配偶', '夫妻']],
  ['老婆', ['配偶', '夫妻']],
  ['丈夫', ['配偶', '夫妻']],
  ['妻子', ['配偶', '夫妻']],
  ['结婚', ['婚姻', '结婚登记']],
  ['孩子', ['子女', '未成年人']],
  ['小孩', ['子女', '未成年人']],
  ['儿子', ['子女']],
  ['女儿', ['子女']],
  ['爸妈', ['父母']],
  ['老人', ['老年人', '赡养']],
  ['私生子', ['非婚生子女']],
  ['后妈', ['继父母']],
  ['继母', ['继父母']],
  ['继父', ['继父母']],
  ['领养', ['收养']],
  ['家暴', ['家庭暴力']],
  ['房子', ['房屋', '住宅']],
  ['房产', ['房屋', '不动产']],
  // work
  ['工资', ['劳动报酬']],
  ['欠薪', ['拖欠', '劳动报酬']],
  ['辞退', ['解除劳动合同']],
  ['开除', ['解除劳动合同']],
  ['炒鱿鱼', ['解除劳动合同']],
  ['裁员', ['裁减人员']],
  ['辞职', ['解除劳动合同']],
  ['离职', ['解除劳动合同', '终止']],
  ['加班', ['延长工作时间', '加班费']],
  ['社保', ['社会保险']],
  ['五险一金', ['社会保险', '住房公积金']],
  ['公积金', ['住房公积金']],
  ['打工', ['劳动者']],
  ['工人', ['劳动者', '职工']],
  ['补偿金', ['经济补偿']],
  ['病假', ['医疗期']],
  ['怀孕', ['孕期', '女职工']],
  // renting, housing, neighbours
  ['房东', ['出租人']],
  ['租客', ['承租人']],
  ['房客', ['承租人']],
  ['租房', ['租赁', '承租人']],
  ['物业', ['物业服务']],
  ['小区', ['业主']],
  ['邻居', ['相邻']],
  ['买房', ['房屋买卖', '商品房']],
  ['卖房', ['房屋买卖']],
  ['二手房', ['房屋买卖']],
  ['开发商', ['房地产开发企业', '出卖人']],
  ['拆迁', ['征收', '补偿']],
  // money owed and deals
  ['欠钱', ['债务', '借款']],
  ['借钱', ['借款', '借贷']],
  ['还钱', ['偿还', '清偿']],
  ['欠条', ['借据']],
  ['借条', ['借据']],
  ['老赖', ['失信被执行人', '强制执行']],
  ['担保人', ['保证人']],
  ['订金', ['定金']],
  ['毁约', ['违约', '解除合同']],
  ['退钱', ['返还', '退还']],
  // buying, injuries, courts
  ['商家', ['经营者']],
  ['卖家', ['经营者', '出卖人']],
  ['买家', ['消费者', '买受人']],
  ['顾客', ['消费者']],
  ['假货', ['假冒', '欺诈']],
  ['网购', ['网络交易', '电子商务']],
  ['车祸', ['交通事故']],
  ['撞人', ['交通事故']],
  ['司机', ['驾驶人']],
  ['开车', ['驾驶', '机动车']],
  ['汽车', ['机动车']],
  ['受伤', ['人身损害', '伤害']],
  ['赔钱', ['赔偿']],
  ['医院', ['医疗机构']],
  ['医生', ['医务人员']],
  ['看病', ['诊疗']],
  ['宠物', ['饲养动物']],
  ['狗', ['饲养动物', '犬']],
  ['打官司', ['诉讼', '起诉']],
  ['告他', ['起诉']],
  ['倒闭', ['破产', '解散']],
  ['分红', ['分配利润']],
  ['盗版', ['复制', '著作权']],
  ['抄袭', ['剽窃', '著作权']],
];

const THESAURUS = new Map<string, string[]>();
for (const [everyday, official] of [...ENTRIES, ...LAW_ENTRIES]) {
  THESAURUS.set(everyday, [...new Set([...(THESAURUS.get(everyday) ?? []), ...official])]);
}
// Longest first, so 买设备 is taken before 设备.
const KEYS = [...THESAURUS.keys()].sort((a, b) => b.length - a.length);

/** The everyday words a query holds (each read as the longest entry it stands in), with their official words. */
export function everydayWords(q: string): { word: string; official: string[] }[] {
  const out: { word: string; official: string[] }[] = [];
  let rest = q;
  for (const key of KEYS) {
    if (!rest.includes(key)) continue;
    out.push({ word: key, official: THESAURUS.get(key)! });
    rest = rest.split(key).join(' ');
  }
  return out;
}

/** Official words for the everyday words of a query (those not already in it). */
export function expandQuery(q: string): string[] {
  const out = new Set<string>();
  for (const { official } of everydayWords(q)) for (const word of official) if (!q.includes(word)) out.add(word);
  return [...out];
}
