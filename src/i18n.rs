//! UI strings in Chinese (default) and English, chosen by the site's `language`.
//! Templates read them as `t.<key>`; Rust code reads them with [`Strings::get`].

use std::collections::BTreeMap;

const ZH: &[(&str, &str)] = &[
    ("home", "首页"),
    ("cases", "案例"),
    ("all_cases", "全部案例"),
    ("regions", "地区"),
    ("domains", "服务领域"),
    ("tags", "标签"),
    ("organizations", "服务机构"),
    ("brands", "服务品牌"),
    ("beneficiaries", "服务对象"),
    ("funding", "资金来源"),
    ("years", "年份"),
    ("search", "搜索"),
    ("search_placeholder", "搜索案例，如：五社联动"),
    ("search_button", "搜索"),
    ("stats", "数据统计"),
    ("collections", "汇编"),
    ("print", "印刷版"),
    ("about", "关于"),
    ("featured", "推荐案例"),
    ("latest", "最新案例"),
    ("ways_in", "浏览方式"),
    ("browse_by", "按{}浏览"),
    ("region", "地区"),
    ("organization", "服务机构"),
    ("brand", "服务品牌"),
    ("domain", "服务领域"),
    ("group", "服务对象"),
    ("count", "数量"),
    ("unit", "单位"),
    ("source", "来源"),
    ("amount", "金额"),
    ("year", "年度"),
    ("date", "日期"),
    ("summary", "摘要"),
    ("website", "网站"),
    ("founded", "成立于"),
    ("related", "相关案例"),
    ("previous", "上一篇"),
    ("next", "下一篇"),
    ("case_count", "{} 个案例"),
    ("page_of", "第 {} 页，共 {} 页"),
    ("newer", "较新"),
    ("older", "较早"),
    ("contents", "目录"),
    ("empty_title", "还没有案例"),
    ("empty_body", "在 content/cases/ 中新建一个 Markdown 文件（或运行 casebook new case 名称），再运行 casebook build。"),
    ("not_found_title", "页面不存在"),
    ("not_found_body", "您要找的页面不存在或已移动。可以从首页或搜索重新开始。"),
    ("skip_to_content", "跳到正文"),
    ("menu", "导航"),
    ("sub_regions", "下级地区"),
    ("totals", "数据概览"),
    ("total_funding", "资金合计"),
    ("approx_note", "含约数"),
    ("metadata", "案例信息"),
    ("generated_by", "由 casebook 生成"),
    ("feed", "订阅"),
    ("open_data", "开放数据"),
    ("terms_count", "共 {} 项"),
];

const EN: &[(&str, &str)] = &[
    ("home", "Home"),
    ("cases", "Cases"),
    ("all_cases", "All cases"),
    ("regions", "Regions"),
    ("domains", "Domains"),
    ("tags", "Tags"),
    ("organizations", "Organizations"),
    ("brands", "Brands"),
    ("beneficiaries", "Beneficiaries"),
    ("funding", "Funding"),
    ("years", "Years"),
    ("search", "Search"),
    ("search_placeholder", "Search cases"),
    ("search_button", "Search"),
    ("stats", "Statistics"),
    ("collections", "Collections"),
    ("print", "Print edition"),
    ("about", "About"),
    ("featured", "Featured cases"),
    ("latest", "Latest cases"),
    ("ways_in", "Browse"),
    ("browse_by", "By {}"),
    ("region", "Region"),
    ("organization", "Organization"),
    ("brand", "Brand"),
    ("domain", "Domain"),
    ("group", "Group"),
    ("count", "Count"),
    ("unit", "Unit"),
    ("source", "Source"),
    ("amount", "Amount"),
    ("year", "Year"),
    ("date", "Date"),
    ("summary", "Summary"),
    ("website", "Website"),
    ("founded", "Founded"),
    ("related", "Related cases"),
    ("previous", "Previous"),
    ("next", "Next"),
    ("case_count", "{} cases"),
    ("page_of", "Page {} of {}"),
    ("newer", "Newer"),
    ("older", "Older"),
    ("contents", "Contents"),
    ("empty_title", "No cases yet"),
    ("empty_body", "Add a Markdown file under content/cases/ (or run casebook new case NAME), then run casebook build."),
    ("not_found_title", "Page not found"),
    ("not_found_body", "The page you are looking for does not exist or has moved. Start again from the home page or search."),
    ("skip_to_content", "Skip to content"),
    ("menu", "Menu"),
    ("sub_regions", "Sub-regions"),
    ("totals", "At a glance"),
    ("total_funding", "Total funding"),
    ("approx_note", "includes approximate figures"),
    ("metadata", "Case details"),
    ("generated_by", "Made with casebook"),
    ("feed", "Feed"),
    ("open_data", "Open data"),
    ("terms_count", "{} in all"),
];

#[derive(Debug, Clone)]
pub struct Strings {
    map: BTreeMap<&'static str, &'static str>,
    pub lang: &'static str,
}

impl Strings {
    pub fn for_language(language: &str) -> Strings {
        let english = language.to_ascii_lowercase().starts_with("en");
        let (table, lang) = if english { (EN, "en") } else { (ZH, "zh-CN") };
        Strings {
            map: table.iter().copied().collect(),
            lang,
        }
    }

    pub fn get(&self, key: &str) -> &'static str {
        self.map.get(key).copied().unwrap_or("")
    }

    /// `get(key)` with each `{}` replaced by the next argument.
    pub fn fill(&self, key: &str, args: &[&str]) -> String {
        let mut out = self.get(key).to_string();
        for a in args {
            out = out.replacen("{}", a, 1);
        }
        out
    }

    pub fn map(&self) -> &BTreeMap<&'static str, &'static str> {
        &self.map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let zh: Vec<_> = ZH.iter().map(|(k, _)| *k).collect();
        let en: Vec<_> = EN.iter().map(|(k, _)| *k).collect();
        assert_eq!(zh, en);
        assert_eq!(
            Strings::for_language("en").fill("page_of", &["2", "5"]),
            "Page 2 of 5"
        );
        assert_eq!(Strings::for_language("zh-CN").get("search"), "搜索");
    }
}
