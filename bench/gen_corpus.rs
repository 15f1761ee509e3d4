//! Benchmark corpus generator: N realistic Chinese social-work cases.
//!
//! ```text
//! cargo run --release --example gen_corpus -- N OUT_DIR [--seed S] [--format F]
//! ```
//!
//! `F` is `casebook` (default), `hugo`, `zola`, or a comma list / `all`. With one format
//! `OUT_DIR` is the site root; with several, each site goes to `OUT_DIR/<format>/`.
//! The same N and seed always produce byte-identical files. Every site root also gets a
//! `bench-manifest.json` with the exact number of cases containing each phrase the search
//! benchmark queries (一老一小, 五社联动, 七彩社工服务中心 and the decoys).
//!
//! Hugo and Zola sites get their config and templates copied from `bench/peers/<format>/`.

use rayon::prelude::*;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

// ---------------------------------------------------------------------------------------
// PRNG: SplitMix64, one independent stream per case so generation can run in parallel and
// stay deterministic.

struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_add(1).wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    /// `k` distinct items, in bank order (stable and cheap).
    fn pick_distinct<'a, T>(&mut self, xs: &'a [T], k: usize) -> Vec<&'a T> {
        let k = k.min(xs.len());
        let mut chosen = vec![false; xs.len()];
        let mut left = k;
        while left > 0 {
            let i = self.below(xs.len());
            if !chosen[i] {
                chosen[i] = true;
                left -= 1;
            }
        }
        xs.iter()
            .zip(chosen)
            .filter(|(_, c)| *c)
            .map(|(x, _)| x)
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// Vocabulary.

struct District {
    province: &'static str,
    prov_py: &'static str,
    /// `None` for the municipalities (北京市, 上海市, …): region is then [市, 区, 街道].
    city: Option<&'static str>,
    city_short: &'static str,
    district: &'static str,
    dist_py: &'static str,
    towns: &'static [&'static str],
}

macro_rules! d {
    ($p:expr, $ppy:expr, $c:expr, $cs:expr, $d:expr, $dpy:expr, [$($t:expr),+ $(,)?]) => {
        District { province: $p, prov_py: $ppy, city: $c, city_short: $cs, district: $d, dist_py: $dpy, towns: &[$($t),+] }
    };
}

#[rustfmt::skip]
const DISTRICTS: &[District] = &[
    d!("福建省", "fujian", Some("厦门市"), "厦门", "湖里区", "huli", ["殿前街道", "禾山街道", "江头街道", "金山街道", "湖里街道"]),
    d!("福建省", "fujian", Some("福州市"), "福州", "鼓楼区", "gulou-fz", ["东街街道", "温泉街道", "鼓东街道"]),
    d!("福建省", "fujian", Some("泉州市"), "泉州", "晋江市", "jinjiang", ["青阳街道", "梅岭街道", "安海镇", "陈埭镇"]),
    d!("浙江省", "zhejiang", Some("嘉兴市"), "嘉兴", "海盐县", "haiyan", ["武原街道", "沈荡镇", "百步镇", "澉浦镇", "通元镇"]),
    d!("浙江省", "zhejiang", Some("杭州市"), "杭州", "上城区", "shangcheng", ["湖滨街道", "清波街道", "小营街道"]),
    d!("浙江省", "zhejiang", Some("宁波市"), "宁波", "鄞州区", "yinzhou", ["钟公庙街道", "下应街道", "姜山镇"]),
    d!("江苏省", "jiangsu", Some("盐城市"), "盐城", "亭湖区", "tinghu", ["五星街道", "文峰街道", "南洋镇", "黄尖镇"]),
    d!("江苏省", "jiangsu", Some("苏州市"), "苏州", "姑苏区", "gusu", ["平江街道", "双塔街道", "金阊街道"]),
    d!("江苏省", "jiangsu", Some("南京市"), "南京", "鼓楼区", "gulou-nj", ["湖南路街道", "宁海路街道", "热河南路街道"]),
    d!("河南省", "henan", Some("鹤壁市"), "鹤壁", "浚县", "xunxian", ["卫溪街道", "善堂镇", "屯子镇", "王庄镇", "卫贤镇"]),
    d!("河南省", "henan", Some("郑州市"), "郑州", "金水区", "jinshui", ["文化路街道", "花园路街道", "丰产路街道"]),
    d!("北京市", "beijing", None, "北京", "朝阳区", "chaoyang-bj", ["太阳宫地区", "望京街道", "双井街道", "劲松街道"]),
    d!("北京市", "beijing", None, "北京", "海淀区", "haidian", ["学院路街道", "中关村街道", "清河街道"]),
    d!("上海市", "shanghai", None, "上海", "浦东新区", "pudong", ["陆家嘴街道", "张江镇", "川沙新镇"]),
    d!("上海市", "shanghai", None, "上海", "徐汇区", "xuhui", ["田林街道", "枫林路街道", "康健新村街道"]),
    d!("天津市", "tianjin", None, "天津", "河西区", "hexi", ["友谊路街道", "马场街道", "越秀路街道"]),
    d!("重庆市", "chongqing", None, "重庆", "渝中区", "yuzhong", ["解放碑街道", "大坪街道", "七星岗街道"]),
    d!("四川省", "sichuan", Some("乐山市"), "乐山", "五通桥区", "wutongqiao", ["金山镇", "竹根镇", "牛华镇", "西坝镇"]),
    d!("四川省", "sichuan", Some("成都市"), "成都", "武侯区", "wuhou", ["玉林街道", "簇桥街道", "红牌楼街道"]),
    d!("四川省", "sichuan", Some("成都市"), "成都", "郫都区", "pidu", ["郫筒街道", "团结街道", "三道堰镇"]),
    d!("广东省", "guangdong", Some("广州市"), "广州", "越秀区", "yuexiu", ["北京街道", "六榕街道", "洪桥街道"]),
    d!("广东省", "guangdong", Some("深圳市"), "深圳", "南山区", "nanshan", ["粤海街道", "蛇口街道", "桃源街道"]),
    d!("广东省", "guangdong", Some("佛山市"), "佛山", "顺德区", "shunde", ["大良街道", "容桂街道", "北滘镇"]),
    d!("山东省", "shandong", Some("青岛市"), "青岛", "市南区", "shinan", ["八大关街道", "香港中路街道", "金门路街道"]),
    d!("山东省", "shandong", Some("济南市"), "济南", "历下区", "lixia", ["泉城路街道", "大明湖街道", "千佛山街道"]),
    d!("湖北省", "hubei", Some("武汉市"), "武汉", "江汉区", "jianghan", ["民族街道", "唐家墩街道", "万松街道"]),
    d!("湖南省", "hunan", Some("长沙市"), "长沙", "岳麓区", "yuelu", ["望月湖街道", "桔子洲街道", "含浦街道"]),
    d!("陕西省", "shaanxi", Some("西安市"), "西安", "碑林区", "beilin", ["南院门街道", "柏树林街道", "长安路街道"]),
    d!("安徽省", "anhui", Some("合肥市"), "合肥", "蜀山区", "shushan", ["三里庵街道", "稻香村街道", "琥珀街道"]),
    d!("江西省", "jiangxi", Some("南昌市"), "南昌", "东湖区", "donghu", ["滕王阁街道", "百花洲街道", "豫章街道"]),
    d!("河北省", "hebei", Some("石家庄市"), "石家庄", "长安区", "changan", ["建北街道", "育才街道", "青园街道"]),
    d!("山西省", "shanxi", Some("太原市"), "太原", "小店区", "xiaodian", ["坞城街道", "亲贤街道", "营盘街道"]),
    d!("辽宁省", "liaoning", Some("沈阳市"), "沈阳", "和平区", "heping", ["南湖街道", "太原街街道", "长白街道"]),
    d!("吉林省", "jilin", Some("长春市"), "长春", "朝阳区", "chaoyang-cc", ["重庆路街道", "桂林街道", "南湖街道"]),
    d!("黑龙江省", "heilongjiang", Some("哈尔滨市"), "哈尔滨", "道里区", "daoli", ["抚顺街道", "新阳路街道", "经纬街道"]),
    d!("云南省", "yunnan", Some("昆明市"), "昆明", "五华区", "wuhua", ["华山街道", "护国街道", "大观街道"]),
    d!("贵州省", "guizhou", Some("贵阳市"), "贵阳", "云岩区", "yunyan", ["中华路街道", "宅吉街道", "黔东街道"]),
    d!("广西壮族自治区", "guangxi", Some("南宁市"), "南宁", "青秀区", "qingxiu", ["新竹街道", "中山街道", "津头街道"]),
    d!("甘肃省", "gansu", Some("兰州市"), "兰州", "城关区", "chengguan-lz", ["张掖路街道", "皋兰路街道", "酒泉路街道"]),
    d!("海南省", "hainan", Some("海口市"), "海口", "美兰区", "meilan", ["海甸街道", "白龙街道", "博爱街道"]),
    d!("内蒙古自治区", "neimenggu", Some("呼和浩特市"), "呼和浩特", "新城区", "xincheng", ["海拉尔东路街道", "东街街道"]),
    d!("新疆维吾尔自治区", "xinjiang", Some("乌鲁木齐市"), "乌鲁木齐", "天山区", "tianshan", ["胜利路街道", "团结路街道"]),
    d!("宁夏回族自治区", "ningxia", Some("银川市"), "银川", "兴庆区", "xingqing", ["中山南街街道", "文化街街道"]),
    d!("青海省", "qinghai", Some("西宁市"), "西宁", "城东区", "chengdong", ["东关大街街道", "清真巷街道"]),
    d!("西藏自治区", "xizang", Some("拉萨市"), "拉萨", "城关区", "chengguan-ls", ["八廓街道", "吉日街道"]),
];

/// (name, pinyin for slugs)
const DOMAINS: &[(&str, &str)] = &[
    ("养老服务", "yanglao"),
    ("儿童福利", "ertong"),
    ("社会救助", "jiuzhu"),
    ("社区治理", "zhili"),
    ("乡村振兴", "xiangcun"),
    ("医务社工", "yiwu"),
    ("志愿服务", "zhiyuan"),
    ("人才培养", "rencai"),
    ("残障服务", "canzhang"),
    ("社会事务", "shiwu"),
    ("平安建设", "pingan"),
    ("婚姻家庭", "jiating"),
    ("青少年服务", "qingshaonian"),
    ("禁毒社工", "jindu"),
];

/// Organization name words (never 七彩: the search bench counts that phrase exactly).
const ORG_WORDS: &[&str] = &[
    "同心",
    "阳光",
    "启航",
    "初心",
    "善行",
    "众和",
    "心连心",
    "红枫",
    "鹭岛",
    "彩虹",
    "益友",
    "博爱",
    "仁爱",
    "德善",
    "和合",
    "向阳",
    "青禾",
    "春晖",
    "暖心",
    "恒爱",
    "乐群",
    "协力",
    "新希望",
    "明德",
    "惠民",
    "长青",
    "绿舟",
    "星火",
    "蒲公英",
    "融爱",
    "致远",
    "知行",
    "睿德",
    "行知",
    "安馨",
    "悦邻",
    "康乐",
    "福缘",
    "益众",
    "朝阳",
];
const ORG_SUFFIXES: &[&str] = &[
    "社会工作服务中心",
    "社工服务中心",
    "社会工作服务社",
    "社会组织服务中心",
    "公益服务中心",
    "志愿服务协会",
];
const BRAND_HEADS: &[&str] = &[
    "金诚",
    "暖阳",
    "银龄",
    "童心",
    "邻里",
    "守望",
    "夕阳",
    "同行",
    "护苗",
    "乐龄",
    "幸福",
    "微光",
    "红石榴",
    "向日葵",
    "小蜜蜂",
    "老伙伴",
    "知心",
    "安心",
    "助残",
    "巾帼",
    "书香",
    "绿色",
    "彩虹桥",
    "爱心",
    "温情",
    "社区",
    "家门口",
    "连心",
    "益路",
    "晨光",
];
const BRAND_TAILS: &[&str] = &[
    "所至",
    "相伴",
    "同行",
    "驿站",
    "课堂",
    "守护",
    "工坊",
    "计划",
    "行动",
    "之家",
    "食堂",
    "互助",
    "成长营",
    "议事厅",
    "护航",
    "来了",
    "有约",
    "e站",
    "共治",
    "帮帮团",
];
const GROUPS: &[(&str, &[&str])] = &[
    ("老年人", &["人", "人次"]),
    ("独居老人", &["人", "户"]),
    ("失能老人", &["人", "户"]),
    ("儿童", &["人", "人次"]),
    ("困境儿童", &["人", "名"]),
    ("留守儿童", &["人", "名"]),
    ("青少年", &["人", "人次"]),
    ("残疾人", &["人", "人次"]),
    ("低保家庭", &["户", "个家庭"]),
    ("特困人员", &["人", "户"]),
    ("社区居民", &["人次", "户"]),
    ("妇女", &["人", "人次"]),
    ("流动人口", &["人", "人次"]),
    ("志愿者", &["人", "人次"]),
    ("新就业群体", &["人", "人次"]),
    ("社工人才", &["人", "名"]),
];
const UNITS_FOR_RESIDENTS: &[&str] = &["人次", "户"];
const FUNDERS: &[&str] = &[
    "政府购买服务",
    "福彩公益金",
    "中央财政支持社会组织参与社会服务项目",
    "慈善总会",
    "社区基金",
    "企业捐赠",
    "区民政局",
    "乡村振兴专项资金",
    "省级福彩公益金",
    "基金会资助",
    "街道办事处",
    "残联专项经费",
];
/// Tags; 五社联动 and 一老一小 are added separately with controlled frequency.
const TAGS: &[&str] = &[
    "社工站",
    "时间银行",
    "长者饭堂",
    "困境儿童",
    "四点半课堂",
    "社区基金",
    "邻里互助",
    "网格化",
    "党建引领",
    "数字化",
    "居家养老",
    "心理疏导",
    "政府购买服务",
    "乡镇社工站",
    "双百工程",
    "认知症照护",
    "康复服务",
    "留守儿童",
    "儿童主任",
    "家校社联动",
    "未成年人保护",
    "社区营造",
    "议事协商",
    "积分激励",
    "志愿者培育",
    "品牌建设",
    "标准化",
    "督导",
    "个案管理",
    "小组工作",
];
const PARTNERS: &[&str] = &[
    "街道办事处",
    "村（居）委会",
    "社区卫生服务中心",
    "辖区中小学校",
    "爱心企业",
    "高校社会工作专业",
    "区残联",
    "区妇联",
    "团区委",
    "辖区派出所",
    "司法所",
    "区慈善总会",
    "物业服务企业",
    "新时代文明实践站",
    "民政部门",
    "乡镇卫生院",
];
const NEEDS: &[&str] = &[
    "独居、空巢老人比例持续上升",
    "困境儿童的照护与教育需求日益多样",
    "外出务工人员增多，留守家庭照料压力较大",
    "老旧小区公共服务设施相对薄弱",
    "社区服务供给与居民需求之间存在明显落差",
    "高龄、失能老人的长期照护需求十分迫切",
    "新市民融入社区的渠道有限",
    "部分低收入家庭抗风险能力较弱",
    "残疾人就业和康复服务需求长期得不到满足",
    "青少年课后托管和心理支持服务供给不足",
];
const PROBLEMS: &[&str] = &[
    "照料缺位",
    "精神慰藉不足",
    "就医不便",
    "学业辅导缺乏",
    "社会交往减少",
    "家庭关系紧张",
    "就业技能不足",
    "康复资源匮乏",
    "政策知晓率低",
    "安全隐患较多",
];
const GAPS: &[&str] = &[
    "传统的行政化服务方式难以精准回应",
    "现有服务资源分散、衔接不畅",
    "专业社会工作力量长期不足",
    "居民参与社区事务的渠道和平台较为有限",
    "基层工作人员疲于应付事务性工作",
    "服务多为一次性活动，缺乏持续跟进",
];
const ACTIONS: &[&str] = &[
    "搭建“社工+志愿者”协同服务平台",
    "建立“一户一档”需求评估机制",
    "开展入户探访与个案管理",
    "组建社区互助小组",
    "引入专业督导提升服务质量",
    "链接医疗、教育、法律等专业资源",
    "培育社区社会组织和骨干志愿者",
    "开展主题小组工作和社区活动",
    "推行“积分兑换”激励机制",
    "开通线上服务热线和预约小程序",
    "打造“15分钟服务圈”",
    "建立常态化走访和回访制度",
    "设立社区慈善基金",
    "开展政策宣传和权益保障服务",
    "建立服务对象分级分类台账",
    "组织居民议事会协商解决身边小事",
    "开设助餐、助浴、助医等上门服务",
    "开展家庭教育指导和亲子活动",
    "推动服务资源向偏远村组延伸",
    "建立转介机制，做到发现一例、跟进一例",
];
const MOTTOS: &[&str] = &[
    "助人自助",
    "以人为本、需求为先",
    "专业引领、多方参与",
    "小切口、大民生",
    "把服务送到家门口",
    "陪伴成长、共建共享",
];
const INDICATORS: &[&str] = &[
    "社会支持网络得分",
    "生活满意度",
    "自我效能感",
    "社区归属感",
    "心理健康自评",
    "照护技能掌握程度",
];
const RESULTS: &[&str] = &[
    "服务覆盖率明显提升",
    "形成了可复制、可推广的服务模式",
    "项目经验被省级媒体专题报道",
    "获评全省优秀社会工作服务项目",
    "居民参与社区公共事务的积极性显著增强",
    "服务对象的求助渠道更加畅通",
    "社区矛盾纠纷数量较上年明显下降",
    "带动更多本土志愿者加入服务队伍",
    "项目做法被写入当地民政工作要点",
    "服务对象的生活质量得到切实改善",
];
const LESSONS: &[&str] = &[
    "坚持需求导向，以专业评估作为服务起点",
    "发挥社工站的枢纽作用，整合多方资源",
    "注重培育本土人才，增强社区自我服务能力",
    "以品牌化运作提升服务辨识度和影响力",
    "建立标准化服务流程，确保服务质量可评估、可追溯",
    "推动服务数字化，提高需求响应效率",
    "尊重服务对象意愿，保护个人隐私",
    "重视过程记录和成效评估，用数据说话",
];
const PLANS: &[&str] = &[
    "拓展服务覆盖范围至周边村（社区）",
    "总结提炼服务标准和操作手册",
    "加强社工队伍专业能力建设",
    "探索可持续的资金保障机制",
    "推动项目成果转化为制度性安排",
    "深化跨部门合作",
];
const QUOTES: &[&str] = &[
    "老人们有了说话的地方",
    "孩子放学后有了去处",
    "大家的事有人牵头、有人跟进",
    "困难家庭第一次感到有人惦记",
    "居民从旁观者变成了参与者",
];
const HEADINGS_BG: &[&str] = &["项目背景", "背景与需求", "需求分析", "缘起"];
const HEADINGS_DO: &[&str] = &["主要做法", "服务做法", "实施路径", "服务内容"];
const HEADINGS_FX: &[&str] = &["服务成效", "项目成效", "实施成效", "成效与评估"];
const HEADINGS_XP: &[&str] = &["经验启示", "经验与反思", "创新亮点", "下一步计划"];
const SUB_NUMS: &[&str] = &["一", "二", "三", "四", "五"];

// ---------------------------------------------------------------------------------------
// Quantities, written the way editors copy them from reports.

/// A count: plain integers are emitted as YAML/TOML numbers, the rest as strings.
fn count(rng: &mut Rng, lo: u64, hi: u64) -> (String, bool) {
    let n = lo + rng.next() % (hi - lo + 1);
    match rng.below(8) {
        0 | 1 => (n.to_string(), true),
        2 => (format!("{}余", round_to(n.max(100), 100)), false),
        3 if n >= 10_000 => (format!("{}万", tenths(n, 10_000)), false),
        4 if n >= 20_000 => (format!("近{}万", (n / 10_000 + 1)), false),
        5 => (format!("约{}", round_to(n.max(10), 10)), false),
        6 => (format!("超{}", round_to(n.max(100), 100)), false),
        7 => (format!("{}多", round_to(n.max(10), 10)), false),
        _ => (n.to_string(), true),
    }
}

fn round_to(n: u64, step: u64) -> u64 {
    (n / step).max(1) * step
}

/// `n / unit` with one decimal, trailing `.0` dropped: 22000/10000 -> "2.2", 20000 -> "2".
fn tenths(n: u64, unit: u64) -> String {
    let t = n * 10 / unit;
    if t.is_multiple_of(10) {
        (t / 10).to_string()
    } else {
        format!("{}.{}", t / 10, t % 10)
    }
}

fn amount(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => format!("{}元", rng.range(5, 99) * 1000),
        1..=4 => format!("{}万元", rng.range(5, 300)),
        5 => format!("{}.{}万元", rng.range(3, 99), rng.range(1, 9)),
        6 => format!("{}余万元", rng.range(1, 30) * 100),
        7 => format!("近{}万元", rng.range(1, 20) * 10),
        8 => format!("约{}万元", rng.range(2, 80) * 5),
        _ => {
            if rng.chance(0.3) {
                format!("{}.{}亿元", rng.range(1, 3), rng.range(1, 9))
            } else {
                format!("{}万元", rng.range(300, 2000))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// One generated case.

struct Quantity {
    text: String,
    plain: bool,
}

struct Beneficiary {
    group: &'static str,
    count: Quantity,
    unit: &'static str,
}

struct Funding {
    source: &'static str,
    amount: String,
    year: usize,
}

struct Case {
    prov_py: &'static str,
    slug: String,
    title: String,
    date: String,
    region: Vec<&'static str>,
    organization: String,
    brand: String,
    domains: Vec<&'static str>,
    beneficiaries: Vec<Beneficiary>,
    funding: Vec<Funding>,
    tags: Vec<&'static str>,
    summary: String,
    featured: bool,
    body: String,
}

fn org_count(n: usize) -> usize {
    (n / 20).max(1)
}

/// Organization `k`: its district and a name unique among all `k`.
fn organization(k: usize) -> (&'static District, String) {
    let d = &DISTRICTS[k % DISTRICTS.len()];
    let r = k / DISTRICTS.len();
    let w1 = ORG_WORDS[r % ORG_WORDS.len()];
    let rest = r / ORG_WORDS.len();
    // (district, w1, rest) is unique per k; the suffix and prefix style only vary it.
    let suffix = ORG_SUFFIXES[(k / 2 + r) % ORG_SUFFIXES.len()];
    let mut name = String::new();
    // Real names vary: "厦门市湖里区…" or "厦门湖里区…".
    if k.is_multiple_of(2) {
        name.push_str(d.city.unwrap_or(d.province));
    } else {
        name.push_str(d.city_short);
    }
    name.push_str(d.district);
    name.push_str(w1);
    if rest > 0 {
        // Second word, made unique by the remaining index digits.
        name.push_str(ORG_WORDS[(rest - 1) % ORG_WORDS.len()]);
        if rest > ORG_WORDS.len() {
            write!(name, "{}", (rest - 1) / ORG_WORDS.len()).unwrap();
        }
    }
    name.push_str(suffix);
    (d, name)
}

fn brand(org: usize, j: usize) -> String {
    let h = BRAND_HEADS[(org * 7 + j * 11) % BRAND_HEADS.len()];
    let t = BRAND_TAILS[(org * 13 + j * 5) % BRAND_TAILS.len()];
    format!("{h}{t}")
}

/// Special phrases inserted into bodies with known frequencies.
#[derive(Default, Clone, Copy)]
struct Plan {
    yilao_yixiao: bool,
    wushe_liandong: bool,
    wushe_far: bool,
    qicai_center: bool,
    qicai_decoy: bool,
    qicai_yangguang: bool,
}

fn gen_case(seed: u64, i: usize, n: usize) -> Case {
    let mut rng = Rng::new(seed, i as u64);
    // Slightly skewed organization sizes: some run many cases, most a few.
    let orgs = org_count(n);
    let k = if rng.chance(0.3) {
        rng.below(orgs.div_ceil(10))
    } else {
        rng.below(orgs)
    };
    let (dist, org) = organization(k);
    let town = *rng.pick(dist.towns);
    let mut region = vec![dist.province];
    if let Some(c) = dist.city {
        region.push(c);
    }
    region.push(dist.district);
    if !rng.chance(0.1) {
        region.push(town);
    }
    let brand = brand(k, rng.below(3));

    let nd = rng.range(1, 3);
    let domains_full: Vec<&(&str, &str)> = rng.pick_distinct(DOMAINS, nd);
    let domains: Vec<&'static str> = domains_full.iter().map(|d| d.0).collect();
    let slug = format!("{}-{}-{:06}", dist.dist_py, domains_full[0].1, i);

    let year = rng.range(2018, 2025);
    let date = format!("{year}-{:02}-{:02}", rng.range(1, 12), rng.range(1, 28));

    let plan = Plan {
        yilao_yixiao: rng.chance(0.25),
        wushe_liandong: rng.chance(0.40),
        wushe_far: rng.chance(0.08),
        qicai_center: rng.chance(0.01),
        qicai_decoy: rng.chance(0.03),
        qicai_yangguang: rng.chance(0.01),
    };
    let plan = Plan {
        wushe_far: plan.wushe_far && !plan.wushe_liandong,
        ..plan
    };

    let mut beneficiaries = Vec::new();
    let ng = rng.range(1, 3);
    for g in rng.pick_distinct(GROUPS, ng) {
        let unit = if g.0 == "社区居民" {
            *rng.pick(UNITS_FOR_RESIDENTS)
        } else {
            *rng.pick(g.1)
        };
        let (lo, hi) = match unit {
            "户" | "个家庭" => (20, 3_000),
            "名" => (10, 800),
            "人次" => (500, 120_000),
            _ => (50, 20_000),
        };
        let (text, plain) = count(&mut rng, lo, hi);
        beneficiaries.push(Beneficiary {
            group: g.0,
            count: Quantity { text, plain },
            unit,
        });
    }

    let mut funding = Vec::new();
    let nf = rng.below(4);
    for src in rng.pick_distinct(FUNDERS, nf) {
        funding.push(Funding {
            source: src,
            amount: amount(&mut rng),
            year: year - rng.below(3),
        });
    }

    let mut tags: Vec<&'static str> = Vec::new();
    if plan.wushe_liandong && rng.chance(0.6) {
        tags.push("五社联动");
    }
    if plan.yilao_yixiao && rng.chance(0.5) {
        tags.push("一老一小");
    }
    let nt = rng.range(1, 4);
    tags.extend(rng.pick_distinct(TAGS, nt).into_iter().copied());

    let b0 = &beneficiaries[0];
    let district_name = dist.district;
    let title = match rng.below(5) {
        0 => format!("{town}社工站“{brand}”{}品牌", domains[0]),
        1 => format!("“{brand}”：{district_name}{}项目", domains[0]),
        2 => format!("{org}“{brand}”项目"),
        3 => format!("{district_name}{town}：{}的“{brand}”实践", b0.group),
        _ => format!(
            "{}{town}“{brand}”：{}的社区实践",
            dist.city_short, domains[0]
        ),
    };
    let summary = format!(
        "{org}在{town}以“{brand}”为品牌，{}，累计服务{}{}{}。",
        rng.pick(ACTIONS),
        b0.group,
        b0.count.text,
        b0.unit
    );
    let featured = rng.chance(0.03);
    let mut ctx = BodyCtx {
        rng: &mut rng,
        dist,
        town,
        org: &org,
        brand: &brand,
        domains: &domains,
        beneficiaries: &beneficiaries,
        year,
        used: [0; 4],
    };
    let body = ctx.body(plan);
    Case {
        prov_py: dist.prov_py,
        slug,
        title,
        date,
        region,
        organization: org,
        brand,
        domains,
        beneficiaries,
        funding,
        tags,
        summary,
        featured,
        body,
    }
}

fn cjk_len(s: &str) -> usize {
    s.chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count()
}

struct BodyCtx<'a> {
    rng: &'a mut Rng,
    dist: &'static District,
    town: &'static str,
    org: &'a str,
    brand: &'a str,
    domains: &'a [&'static str],
    beneficiaries: &'a [Beneficiary],
    year: usize,
    /// Per category (bg, do, fx, xp): templates already used.
    used: [u32; 4],
}

struct Section {
    heading: &'static str,
    /// Block-level Markdown pieces (paragraphs are Vec<String> of sentences).
    blocks: Vec<Block>,
}

enum Block {
    Para(Vec<String>),
    Raw(String),
}

impl BodyCtx<'_> {
    /// A template index for category `cat` with `n` templates, avoiding ones this case
    /// already used until all have been used (keeps bodies from repeating themselves).
    fn template(&mut self, cat: usize, n: usize) -> usize {
        let all = (1u32 << n) - 1;
        if self.used[cat] & all == all {
            self.used[cat] = 0;
        }
        loop {
            let t = self.rng.below(n);
            if self.used[cat] & (1 << t) == 0 {
                self.used[cat] |= 1 << t;
                return t;
            }
        }
    }

    /// One of this case's beneficiary groups.
    fn group(&mut self) -> &'static str {
        self.beneficiaries[self.rng.below(self.beneficiaries.len())].group
    }

    fn bg_sentence(&mut self) -> String {
        let t = self.template(0, 9);
        let g = self.group();
        let r = &mut *self.rng;
        match t {
            0 => format!(
                "{}{}辖区面积约{}平方公里，常住人口{}万余人，{}。",
                self.dist.district,
                self.town,
                r.range(8, 120),
                r.range(2, 30),
                r.pick(NEEDS)
            ),
            1 => {
                let p = r.pick_distinct(PROBLEMS, 2);
                format!(
                    "前期需求调研显示，辖区{g}普遍面临{}、{}等问题，{}。",
                    p[0],
                    p[1],
                    r.pick(GAPS)
                )
            }
            2 => format!(
                "{}年，{}通过政府购买服务方式进驻{}社工站，围绕{}领域开展专业服务。",
                self.year - r.below(3),
                self.org,
                self.town,
                self.domains[0]
            ),
            3 => format!(
                "在{}的支持下，项目团队共走访{}户家庭，发放问卷{}份，梳理出{}类重点需求。",
                r.pick(PARTNERS),
                r.range(80, 1500),
                r.range(100, 2000),
                r.range(3, 9)
            ),
            4 => format!(
                "{}，而{}，这成为项目设计的出发点。",
                r.pick(NEEDS),
                r.pick(GAPS)
            ),
            5 => {
                let p = r.pick_distinct(PROBLEMS, 2);
                format!(
                    "当地{g}中，{}的现象较为普遍，部分家庭还存在{}的情况。",
                    p[0], p[1]
                )
            }
            6 => format!(
                "据{}统计，全{}登记在册的{g}约{}人，其中需要重点关注的有{}人。",
                r.pick(PARTNERS),
                if self.town.ends_with('镇') {
                    "镇"
                } else {
                    "街道"
                },
                r.range(300, 9000),
                r.range(20, 280)
            ),
            7 => format!(
                "过去，{}相关工作主要依靠{}，{}。",
                self.domains[0],
                r.pick(PARTNERS),
                r.pick(GAPS)
            ),
            _ => format!(
                "{}所在的{}{}，{}。",
                self.town,
                self.dist.city_short,
                self.dist.district,
                r.pick(NEEDS)
            ),
        }
    }

    fn do_sentence(&mut self) -> String {
        let t = self.template(1, 8);
        let g = self.group();
        let r = &mut *self.rng;
        match t {
            0 => {
                let a = r.pick_distinct(ACTIONS, 2);
                format!(
                    "项目坚持“{}”的服务理念，{}，{}。",
                    r.pick(MOTTOS),
                    a[0],
                    a[1]
                )
            }
            1 => format!(
                "社工联合{}{}，并定期召开联席会议，协调解决服务中遇到的难点问题。",
                r.pick(PARTNERS),
                r.pick(ACTIONS)
            ),
            2 => {
                let a = r.pick_distinct(ACTIONS, 2);
                format!(
                    "针对{g}{}的问题，社工{}，同时{}。",
                    r.pick(PROBLEMS),
                    a[0],
                    a[1]
                )
            }
            3 => format!(
                "项目组建了由{}名专职社工、{}名志愿者组成的服务团队，{}。",
                r.range(2, 12),
                r.range(10, 300),
                r.pick(ACTIONS)
            ),
            4 => format!(
                "在{}，社工{}，使服务从“被动等待”转向“主动发现”。",
                self.town,
                r.pick(ACTIONS)
            ),
            5 => format!(
                "每季度，社工会同{}对{g}开展一次需求复评，根据评估结果调整服务计划。",
                r.pick(PARTNERS)
            ),
            6 => format!(
                "为解决人手不足的问题，{}{}，逐步形成“社工带志愿者、志愿者带居民”的服务链条。",
                self.org,
                r.pick(ACTIONS)
            ),
            _ => format!(
                "服务过程中，社工坚持记录服务日志，共形成个案档案{}份、小组记录{}份。",
                r.range(10, 400),
                r.range(5, 120)
            ),
        }
    }

    fn fx_sentence(&mut self) -> String {
        let t = self.template(2, 6);
        let r = &mut *self.rng;
        match t {
            0 => {
                let b = &self.beneficiaries[r.below(self.beneficiaries.len())];
                format!(
                    "截至{}年底，项目累计服务{}{}{}，开展小组活动{}场、社区活动{}场。",
                    self.year,
                    b.group,
                    b.count.text,
                    b.unit,
                    r.range(6, 120),
                    r.range(10, 400)
                )
            }
            1 => format!(
                "通过前后测对比，服务对象的{}平均提升{}.{}%，{}。",
                r.pick(INDICATORS),
                r.range(5, 40),
                r.below(10),
                r.pick(RESULTS)
            ),
            2 => {
                let x = r.pick_distinct(RESULTS, 2);
                format!("项目实施以来，{}，{}。", x[0], x[1])
            }
            3 => format!(
                "{}的工作人员评价说，社工的介入让{}。",
                r.pick(PARTNERS),
                r.pick(QUOTES)
            ),
            4 => format!(
                "第三方评估显示，服务对象满意度达到{}.{}%，{}。",
                r.range(90, 99),
                r.below(10),
                r.pick(RESULTS)
            ),
            _ => format!(
                "项目共培育社区社会组织{}个、骨干志愿者{}名，{}。",
                r.range(2, 30),
                r.range(10, 200),
                r.pick(RESULTS)
            ),
        }
    }

    fn xp_sentence(&mut self) -> String {
        let t = self.template(3, 5);
        let r = &mut *self.rng;
        match t {
            0 => {
                let l = r.pick_distinct(LESSONS, 2);
                format!("实践表明，{}，{}。", l[0], l[1])
            }
            1 => {
                let p = r.pick_distinct(PLANS, 2);
                format!("下一步，{}将{}，{}。", self.org, p[0], p[1])
            }
            2 => format!(
                "“{}”的经验在于把专业方法与本地资源结合起来，{}。",
                self.brand,
                r.pick(LESSONS)
            ),
            3 => format!(
                "项目也暴露出一些不足：{}，今后需要{}。",
                r.pick(GAPS),
                r.pick(PLANS)
            ),
            _ => format!(
                "对于同类地区而言，{}{}的做法具有借鉴意义。",
                self.dist.district,
                r.pick(ACTIONS)
            ),
        }
    }

    fn body(&mut self, plan: Plan) -> String {
        let target = self.rng.range(1200, 2440);
        let mut secs: Vec<Section> = [HEADINGS_BG, HEADINGS_DO, HEADINGS_FX, HEADINGS_XP]
            .iter()
            .map(|h| Section {
                heading: h[self.rng.below(h.len())],
                blocks: Vec::new(),
            })
            .collect();
        let mut cjk = 0;

        // Background: one paragraph, special phrases up front.
        let mut p = vec![self.bg_sentence(), self.bg_sentence()];
        if plan.yilao_yixiao {
            p.push(format!(
                "“一老一小”是{}社区服务中的突出短板，也是居民反映最集中的民生需求。",
                self.town
            ));
        }
        if plan.wushe_far {
            p.push(format!(
                "项目着力盘活“五社”资源，{}。",
                self.rng.pick(ACTIONS)
            ));
        }
        secs[0].blocks.push(Block::Para(p));

        // Practice: intro paragraph, then either a bullet list or numbered sub-headings.
        let mut p = vec![self.do_sentence()];
        if plan.wushe_liandong {
            p.push(
                "项目以“五社联动”为主要机制，推动社区、社会组织、社会工作者、社区志愿者和社会慈善资源协同发力。"
                    .to_string(),
            );
        }
        if plan.qicai_center {
            p.push(format!(
                "在七彩社工服务中心的专业支持下，{}。",
                self.rng.pick(ACTIONS)
            ));
        }
        if plan.qicai_decoy {
            p.push(format!(
                "社工站开设“七彩课堂”，{}。",
                self.rng.pick(ACTIONS)
            ));
        }
        if plan.qicai_yangguang {
            p.push("项目督导由七彩阳光社工服务中心提供。".to_string());
        }
        secs[1].blocks.push(Block::Para(p));
        let ni = self.rng.range(3, 5);
        let items = self.rng.pick_distinct(ACTIONS, ni);
        if self.rng.chance(0.5) {
            let mut list = String::new();
            for a in &items {
                let s = self.do_sentence();
                let _ = writeln!(list, "- **{a}**：{}；", s.trim_end_matches('。'));
            }
            secs[1].blocks.push(Block::Raw(list));
        } else {
            for (j, a) in items.iter().enumerate() {
                let sub = format!("### {}、{}", SUB_NUMS[j], a);
                secs[1].blocks.push(Block::Raw(sub));
                secs[1]
                    .blocks
                    .push(Block::Para(vec![self.do_sentence(), self.do_sentence()]));
            }
        }
        if plan.yilao_yixiao {
            secs[1].blocks.push(Block::Para(vec![format!(
                "围绕“一老一小”，社工{}，让老人和孩子在家门口就能得到照顾。",
                self.rng.pick(ACTIONS)
            )]));
        }

        // Effect: paragraph and a table.
        secs[2]
            .blocks
            .push(Block::Para(vec![self.fx_sentence(), self.fx_sentence()]));
        let mut table = String::from("| 指标 | 数值 |\n| --- | --- |\n");
        for b in self.beneficiaries {
            let _ = writeln!(table, "| 服务{} | {}{} |", b.group, b.count.text, b.unit);
        }
        let _ = writeln!(table, "| 开展活动 | {}场 |", self.rng.range(10, 500));
        let _ = writeln!(
            table,
            "| 志愿服务时长 | {}小时 |",
            self.rng.range(200, 20000)
        );
        let _ = writeln!(table, "| 链接资源 | {}万元 |", self.rng.range(1, 200));
        secs[2].blocks.push(Block::Raw(table));

        // Experience: numbered lessons and a closing paragraph.
        let mut list = String::new();
        let nl = self.rng.range(2, 4);
        for (j, l) in self.rng.pick_distinct(LESSONS, nl).iter().enumerate() {
            let _ = writeln!(list, "{}. {}；", j + 1, l);
        }
        secs[3].blocks.push(Block::Raw(list));
        let mut p = vec![self.xp_sentence()];
        if plan.wushe_far {
            p.push("经过持续努力，社区形成了党建引领、多方联动的工作格局。".to_string());
        }
        secs[3].blocks.push(Block::Para(p));

        for s in &secs {
            for b in &s.blocks {
                cjk += match b {
                    Block::Para(v) => v.iter().map(|x| cjk_len(x)).sum(),
                    Block::Raw(x) => cjk_len(x),
                };
            }
            cjk += cjk_len(s.heading);
        }

        // Fill up to the target length, spreading sentences over the sections.
        while cjk < target {
            let si = self.rng.below(4);
            let s = match si {
                0 => self.bg_sentence(),
                1 => self.do_sentence(),
                2 => self.fx_sentence(),
                _ => self.xp_sentence(),
            };
            cjk += cjk_len(&s);
            let blocks = &mut secs[si].blocks;
            match blocks.last_mut() {
                Some(Block::Para(v)) if v.len() < 4 => v.push(s),
                _ => blocks.push(Block::Para(vec![s])),
            }
        }

        let mut out = String::with_capacity(target * 4);
        for s in &secs {
            let _ = write!(out, "## {}\n\n", s.heading);
            for b in &s.blocks {
                match b {
                    Block::Para(v) => {
                        for x in v {
                            out.push_str(x);
                        }
                        out.push_str("\n\n");
                    }
                    Block::Raw(x) => {
                        out.push_str(x.trim_end());
                        out.push_str("\n\n");
                    }
                }
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }
}

// ---------------------------------------------------------------------------------------
// Output formats.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Format {
    Casebook,
    Hugo,
    Zola,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Casebook => "casebook",
            Format::Hugo => "hugo",
            Format::Zola => "zola",
        }
    }
}

fn yaml_list(xs: &[&str]) -> String {
    format!("[{}]", xs.join(", "))
}

/// Casebook front matter, in the exact shape of issue 2's reference.
fn write_casebook(c: &Case, out: &mut String) {
    out.push_str("---\n");
    let _ = writeln!(out, "title: {}", c.title);
    let _ = writeln!(out, "date: {}", c.date);
    let _ = writeln!(out, "slug: {}", c.slug);
    let _ = writeln!(out, "region: {}", yaml_list(&c.region));
    let _ = writeln!(out, "organization: {}", c.organization);
    let _ = writeln!(out, "brand: {}", c.brand);
    let _ = writeln!(out, "domains: {}", yaml_list(&c.domains));
    yaml_quantities(c, out);
    let _ = writeln!(out, "tags: {}", yaml_list(&c.tags));
    let _ = writeln!(out, "summary: {}", c.summary);
    let _ = writeln!(out, "featured: {}", c.featured);
    out.push_str("---\n");
    out.push_str(&c.body);
}

fn yaml_quantities(c: &Case, out: &mut String) {
    out.push_str("beneficiaries:\n");
    for b in &c.beneficiaries {
        let _ = writeln!(
            out,
            "  - {{group: {}, count: {}, unit: {}}}",
            b.group, b.count.text, b.unit
        );
    }
    if !c.funding.is_empty() {
        out.push_str("funding:\n");
        for f in &c.funding {
            let _ = writeln!(
                out,
                "  - {{source: {}, amount: {}, year: {}}}",
                f.source, f.amount, f.year
            );
        }
    }
}

/// Hugo: the same YAML, taxonomy keys in Hugo's plural form.
fn write_hugo(c: &Case, out: &mut String) {
    out.push_str("---\n");
    let _ = writeln!(out, "title: {}", c.title);
    let _ = writeln!(out, "date: {}", c.date);
    let _ = writeln!(out, "slug: {}", c.slug);
    let _ = writeln!(out, "regions: {}", yaml_list(&c.region));
    let _ = writeln!(out, "organizations: [{}]", c.organization);
    let _ = writeln!(out, "brands: [{}]", c.brand);
    let _ = writeln!(out, "domains: {}", yaml_list(&c.domains));
    yaml_quantities(c, out);
    let _ = writeln!(out, "tags: {}", yaml_list(&c.tags));
    let _ = writeln!(out, "summary: {}", c.summary);
    let _ = writeln!(out, "featured: {}", c.featured);
    out.push_str("---\n");
    out.push_str(&c.body);
}

fn toml_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for ch in s.chars() {
        match ch {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            _ => o.push(ch),
        }
    }
    o.push('"');
    o
}

fn toml_list(xs: &[&str]) -> String {
    let v: Vec<String> = xs.iter().map(|x| toml_str(x)).collect();
    format!("[{}]", v.join(", "))
}

/// Zola: TOML front matter, taxonomies in `[taxonomies]`, the rest in `[extra]`.
fn write_zola(c: &Case, out: &mut String) {
    out.push_str("+++\n");
    let _ = writeln!(out, "title = {}", toml_str(&c.title));
    let _ = writeln!(out, "date = {}", c.date);
    let _ = writeln!(out, "path = \"cases/{}\"", c.slug);
    out.push_str("\n[taxonomies]\n");
    let _ = writeln!(out, "regions = {}", toml_list(&c.region));
    let _ = writeln!(out, "domains = {}", toml_list(&c.domains));
    let _ = writeln!(out, "tags = {}", toml_list(&c.tags));
    let _ = writeln!(out, "organizations = [{}]", toml_str(&c.organization));
    let _ = writeln!(out, "brands = [{}]", toml_str(&c.brand));
    out.push_str("\n[extra]\n");
    let _ = writeln!(out, "summary = {}", toml_str(&c.summary));
    let _ = writeln!(out, "featured = {}", c.featured);
    let _ = writeln!(out, "organization = {}", toml_str(&c.organization));
    let _ = writeln!(out, "brand = {}", toml_str(&c.brand));
    out.push_str("beneficiaries = [\n");
    for b in &c.beneficiaries {
        let count = if b.count.plain {
            b.count.text.clone()
        } else {
            toml_str(&b.count.text)
        };
        let _ = writeln!(
            out,
            "  {{ group = {}, count = {}, unit = {} }},",
            toml_str(b.group),
            count,
            toml_str(b.unit)
        );
    }
    out.push_str("]\nfunding = [\n");
    for f in &c.funding {
        let _ = writeln!(
            out,
            "  {{ source = {}, amount = {}, year = {} }},",
            toml_str(f.source),
            toml_str(&f.amount),
            f.year
        );
    }
    out.push_str("]\n+++\n");
    out.push_str(&c.body);
}

// ---------------------------------------------------------------------------------------
// Phrase statistics for the search bench.

const PHRASES: &[&str] = &[
    "一老一小",
    "五社联动",
    "七彩社工服务中心",
    "七彩",
    "社工服务中心",
];

#[derive(Default, Clone)]
struct Stats {
    /// Cases whose body contains each of `PHRASES`.
    body: [u64; 5],
    /// Cases whose casebook file (front matter + body) contains each of `PHRASES`.
    file: [u64; 5],
    /// Body has both 五社 and 联动 but not 五社联动.
    wushe_apart: u64,
    /// Body has both 七彩 and 社工服务中心 but not 七彩社工服务中心.
    qicai_apart: u64,
    featured: u64,
    body_cjk_min: usize,
    body_cjk_max: usize,
    body_cjk_total: u64,
}

impl Stats {
    fn add(&mut self, o: &Stats) {
        for j in 0..PHRASES.len() {
            self.body[j] += o.body[j];
            self.file[j] += o.file[j];
        }
        self.wushe_apart += o.wushe_apart;
        self.qicai_apart += o.qicai_apart;
        self.featured += o.featured;
        self.body_cjk_min = self.body_cjk_min.min(o.body_cjk_min);
        self.body_cjk_max = self.body_cjk_max.max(o.body_cjk_max);
        self.body_cjk_total += o.body_cjk_total;
    }
    fn empty() -> Stats {
        Stats {
            body_cjk_min: usize::MAX,
            ..Default::default()
        }
    }
}

fn case_stats(c: &Case, file: &str) -> Stats {
    let mut s = Stats::empty();
    for (j, p) in PHRASES.iter().enumerate() {
        s.body[j] = c.body.contains(p) as u64;
        s.file[j] = file.contains(p) as u64;
    }
    s.wushe_apart =
        (c.body.contains("五社") && c.body.contains("联动") && !c.body.contains("五社联动")) as u64;
    s.qicai_apart = (c.body.contains("七彩")
        && c.body.contains("社工服务中心")
        && !c.body.contains("七彩社工服务中心")) as u64;
    s.featured = c.featured as u64;
    let n = cjk_len(&c.body);
    s.body_cjk_min = n;
    s.body_cjk_max = n;
    s.body_cjk_total = n as u64;
    s
}

// ---------------------------------------------------------------------------------------
// Site skeletons.

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    let err = |e: std::io::Error| format!("copying {} to {}: {e}", from.display(), to.display());
    fs::create_dir_all(to).map_err(err)?;
    let mut entries: Vec<_> = fs::read_dir(from)
        .map_err(err)?
        .collect::<Result<_, _>>()
        .map_err(err)?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        let t = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &t)?;
        } else {
            fs::copy(&p, &t).map_err(err)?;
        }
    }
    Ok(())
}

const SITE_TITLE: &str = "全国社会工作优秀案例汇编（基准语料）";
const SITE_DESC: &str = "由基准生成器合成的社会工作案例，用于衡量构建速度。";

fn prepare_site(root: &Path, fmt: Format, n: usize, seed: u64) -> Result<(), String> {
    let marker = root.join("bench-manifest.json");
    let content = root.join("content");
    if content.exists() {
        if !marker.exists() {
            return Err(format!(
                "{} exists and was not made by gen_corpus (no bench-manifest.json): refusing to overwrite",
                content.display()
            ));
        }
        fs::remove_dir_all(&content).map_err(|e| format!("removing {}: {e}", content.display()))?;
    }
    let cases = content.join("cases");
    fs::create_dir_all(&cases).map_err(|e| format!("creating {}: {e}", cases.display()))?;
    let mut provinces: Vec<&str> = DISTRICTS.iter().map(|d| d.prov_py).collect();
    provinces.sort_unstable();
    provinces.dedup();
    for p in &provinces {
        fs::create_dir_all(cases.join(p)).map_err(|e| format!("creating dir: {e}"))?;
    }
    match fmt {
        Format::Casebook => {
            write_file(
                &root.join("casebook.yaml"),
                &format!(
                    "title: {SITE_TITLE}\ndescription: {SITE_DESC}\nbase_url: https://example.org/anli/\nlanguage: zh-CN\npaginate: 20\n"
                ),
            )?;
            write_file(
                &content.join("_index.md"),
                &format!(
                    "---\ntitle: {SITE_TITLE}\n---\n本汇编收录{n}个合成案例（种子{seed}），覆盖{}个省份。\n",
                    provinces.len()
                ),
            )?;
            fs::create_dir_all(content.join("pages")).map_err(|e| format!("creating dir: {e}"))?;
            write_file(
                &content.join("pages/about.md"),
                "---\ntitle: 关于本汇编\nslug: about\n---\n本汇编由基准生成器合成，人物、机构和数字均为虚构。\n",
            )?;
            let data = root.join("data");
            fs::create_dir_all(&data).map_err(|e| format!("creating {}: {e}", data.display()))?;
            let mut orgs = String::from("# 合成机构信息\n");
            for k in 0..org_count(n) {
                let (d, name) = organization(k);
                let _ = write!(
                    orgs,
                    "{name}:\n  website: \"https://org{k}.example.org/\"\n  founded: {}\n  description: 扎根{}{}的社会工作服务机构。\n",
                    2008 + k % 15,
                    d.city_short,
                    d.district
                );
            }
            write_file(&data.join("organizations.yaml"), &orgs)?;
        }
        Format::Hugo | Format::Zola => {
            let peers = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("bench/peers")
                .join(fmt.name());
            copy_dir(&peers, root)?;
            let intro = format!(
                "本汇编收录{n}个合成案例（种子{seed}），覆盖{}个省份。\n",
                provinces.len()
            );
            if fmt == Format::Hugo {
                write_file(
                    &content.join("_index.md"),
                    &format!("---\ntitle: 首页\n---\n{intro}"),
                )?;
            }
            if fmt == Format::Zola {
                // Sections: the home paginates every case; intermediate sections are
                // transparent (their pages bubble up) and not rendered themselves.
                write_file(
                    &content.join("_index.md"),
                    &format!(
                        "+++\ntitle = \"首页\"\nsort_by = \"date\"\npaginate_by = 20\n+++\n{intro}"
                    ),
                )?;
                let sub = "+++\ntransparent = true\nrender = false\nsort_by = \"date\"\n+++\n";
                write_file(&cases.join("_index.md"), sub)?;
                for p in &provinces {
                    write_file(&cases.join(p).join("_index.md"), sub)?;
                }
            }
        }
    }
    Ok(())
}

fn parse_formats(s: &str) -> Result<Vec<Format>, String> {
    if s == "all" {
        return Ok(vec![Format::Casebook, Format::Hugo, Format::Zola]);
    }
    s.split(',')
        .map(|f| match f.trim() {
            "casebook" => Ok(Format::Casebook),
            "hugo" => Ok(Format::Hugo),
            "zola" => Ok(Format::Zola),
            other => Err(format!(
                "unknown format `{other}` (casebook, hugo, zola, all)"
            )),
        })
        .collect()
}

struct Args {
    n: usize,
    out: PathBuf,
    seed: u64,
    formats: Vec<Format>,
}

const USAGE: &str = "usage: gen_corpus N OUT_DIR [--seed S] [--format casebook|hugo|zola|all|a,b]";

fn parse_args() -> Result<Args, String> {
    let mut pos = Vec::new();
    let mut seed = 1u64;
    let mut formats = vec![Format::Casebook];
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => {
                let v = it.next().ok_or("--seed needs a value")?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed: not a number: {v}"))?;
            }
            "--format" => {
                formats = parse_formats(&it.next().ok_or("--format needs a value")?)?;
            }
            "-h" | "--help" => return Err(USAGE.into()),
            _ if a.starts_with("--") => return Err(format!("unknown option {a}\n{USAGE}")),
            _ => pos.push(a),
        }
    }
    if pos.len() != 2 {
        return Err(USAGE.into());
    }
    let n = pos[0]
        .replace('_', "")
        .parse()
        .map_err(|_| format!("N: not a number: {}", pos[0]))?;
    Ok(Args {
        n,
        out: PathBuf::from(&pos[1]),
        seed,
        formats,
    })
}

/// The casebook file (front matter + body) of case `i` of an `n`-case corpus (for the
/// micro-benchmarks in `bench/hot_paths.rs`, which include this file as a module).
#[allow(dead_code)]
pub(crate) fn case_file(seed: u64, i: usize, n: usize) -> String {
    let mut buf = String::new();
    write_casebook(&gen_case(seed, i, n), &mut buf);
    buf
}

/// Writes an `n`-case corpus in each of `formats`: to `out` itself with one format, to
/// `out/<format>/` with several. Each site root gets a `bench-manifest.json`.
pub(crate) fn generate(n: usize, out: &Path, seed: u64, formats: &[Format]) -> Result<(), String> {
    let roots: Vec<(Format, PathBuf)> = if formats.len() == 1 {
        vec![(formats[0], out.to_path_buf())]
    } else {
        formats.iter().map(|f| (*f, out.join(f.name()))).collect()
    };
    for (f, root) in &roots {
        fs::create_dir_all(root).map_err(|e| format!("creating {}: {e}", root.display()))?;
        prepare_site(root, *f, n, seed)?;
    }

    let stats = (0..n)
        .into_par_iter()
        .map_init(
            || String::with_capacity(16 * 1024),
            |buf, i| -> Result<Stats, String> {
                let c = gen_case(seed, i, n);
                let mut stats = Stats::empty();
                for (f, root) in &roots {
                    buf.clear();
                    match f {
                        Format::Casebook => write_casebook(&c, buf),
                        Format::Hugo => write_hugo(&c, buf),
                        Format::Zola => write_zola(&c, buf),
                    }
                    if *f == Format::Casebook || roots.len() == 1 {
                        stats = case_stats(&c, buf);
                    }
                    let path = root
                        .join("content/cases")
                        .join(c.prov_py)
                        .join(format!("{}.md", c.slug));
                    write_file(&path, buf)?;
                }
                Ok(stats)
            },
        )
        .try_reduce(Stats::empty, |mut a, b| {
            a.add(&b);
            Ok(a)
        })?;

    let mut phrases = serde_json::Map::new();
    for (j, p) in PHRASES.iter().enumerate() {
        phrases.insert(
            p.to_string(),
            serde_json::json!({ "cases_body": stats.body[j], "cases_file": stats.file[j] }),
        );
    }
    let manifest = serde_json::json!({
        "generator": "casebook bench/gen_corpus.rs",
        "cases": n,
        "seed": seed,
        "organizations": org_count(n),
        "featured": stats.featured,
        "body_cjk_chars": {
            "min": if n == 0 { 0 } else { stats.body_cjk_min },
            "max": stats.body_cjk_max,
            "mean": if n == 0 { 0 } else { stats.body_cjk_total / n as u64 },
        },
        "phrases": phrases,
        "apart": {
            "五社…联动 (both, not adjacent)": stats.wushe_apart,
            "七彩…社工服务中心 (both, not adjacent)": stats.qicai_apart,
        },
    });
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())? + "\n";
    for (_, root) in &roots {
        write_file(&root.join("bench-manifest.json"), &text)?;
    }
    Ok(())
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let started = Instant::now();
    generate(args.n, &args.out, args.seed, &args.formats)?;
    eprintln!(
        "gen_corpus: {} cases × {} format(s) in {:.2?} -> {}",
        args.n,
        args.formats.len(),
        started.elapsed(),
        args.out.display()
    );
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("gen_corpus: {e}");
        std::process::exit(2);
    }
}
