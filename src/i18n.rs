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
    ("foreword", "编者按"),
    ("preface", "前言"),
    ("editor", "编者"),
    ("issue_n", "第 {} 期"),
    ("collections_intro", "编委会选编的专辑与期刊，每一本都可以在线阅读，也可以打印成册。"),
    ("no_collections", "还没有汇编。在 content/collections/ 中新建一个 Markdown 文件来编一本。"),
    ("read_online", "在线阅读"),
    ("print_all", "全部案例的印刷版"),
    ("print_hint", "可用浏览器打印，或运行 casebook pdf 生成 PDF"),
    ("print_note", "这是印刷版：用浏览器的“打印”（Ctrl+P）可存为 PDF，运行 casebook pdf 可生成带页码目录的 PDF。"),
    ("web_edition", "返回网页版"),
    ("no_region", "未注明地区"),
    ("other_cases", "其他"),
    ("stats_description", "{} 个案例的数据统计：案例、地区、服务对象与资金合计，按服务领域、省份、年份和资金来源分列，附图表与开放数据。"),
    ("stats_intro", "以下数字由本汇编 {} 个案例的元数据自动汇总。"),
    ("stats_approx_note", "带“约”“余”的数字含约数：至少有一个案例写的是约数（如“8000余”“约120万元”），合计同样是约数。"),
    ("stats_units_note", "服务对象按人群和计量单位分别合计，“人次”与“人”不相加。"),
    ("stats_year_note", "资金按年度合计时，未注明年度的资金计入案例日期所在年份。"),
    ("province", "省份"),
    ("provinces", "省份"),
    ("places", "地区"),
    ("case_number", "案例数"),
    ("charts", "图表"),
    ("chart_domains", "各服务领域案例数"),
    ("chart_years", "各年份案例数"),
    ("chart_funding", "各来源资金合计"),
    ("chart_beneficiaries", "各类服务对象（{}）"),
    ("chart_provinces", "各省份案例数"),
    ("chart_data", "数据"),
    ("breakdowns", "分类统计"),
    ("by_domain", "按服务领域"),
    ("by_province", "按省份"),
    ("by_year", "按案例年份"),
    ("by_funder", "按资金来源"),
    ("funding_by_year", "各年度资金"),
    ("beneficiary_totals", "服务对象合计"),
    ("funding_years", "资助年度"),
    ("download_data", "下载全部案例数据"),
    ("term_description", "{}“{}”：{} 个案例。"),
    ("label_text", "{}：{}"),
    ("with_unit", "{}（{}）"),
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
    ("foreword", "Foreword"),
    ("preface", "Preface"),
    ("editor", "Editor"),
    ("issue_n", "No. {}"),
    ("collections_intro", "Selections made by the editors: each can be read online or printed as a book."),
    ("no_collections", "No collections yet. Add a Markdown file under content/collections/ to make one."),
    ("read_online", "Read online"),
    ("print_all", "Print edition of all cases"),
    ("print_hint", "print it from your browser, or run casebook pdf for a PDF"),
    ("print_note", "This is the print edition: print it from your browser (Ctrl+P) to save a PDF, or run casebook pdf for a PDF with page numbers in the contents."),
    ("web_edition", "Back to the web edition"),
    ("no_region", "Region not given"),
    ("other_cases", "Other"),
    ("stats_description", "Statistics of {} cases: totals of cases, regions, beneficiaries and funding, broken down by domain, province, year and funder, with charts and open data."),
    ("stats_intro", "These figures are summed automatically from the metadata of the compendium's {} cases."),
    ("stats_approx_note", "Figures marked “about” include approximate inputs (such as 8000余 or 约120万元): at least one case gives an approximate number, so the total is approximate too."),
    ("stats_units_note", "Beneficiaries are summed per group and per unit: person-times (人次) and persons (人) are never added together."),
    ("stats_year_note", "In the funding per year, amounts without a year count in the year of the case's date."),
    ("province", "Province"),
    ("provinces", "Provinces"),
    ("places", "Places"),
    ("case_number", "Cases"),
    ("charts", "Charts"),
    ("chart_domains", "Cases per domain"),
    ("chart_years", "Cases per year"),
    ("chart_funding", "Funding by source"),
    ("chart_beneficiaries", "Beneficiaries by group ({})"),
    ("chart_provinces", "Cases per province"),
    ("chart_data", "Data"),
    ("breakdowns", "Breakdowns"),
    ("by_domain", "By domain"),
    ("by_province", "By province"),
    ("by_year", "By year of case"),
    ("by_funder", "By funder"),
    ("funding_by_year", "Funding per year"),
    ("beneficiary_totals", "Beneficiaries in all"),
    ("funding_years", "Years funded"),
    ("download_data", "Download the data of every case"),
    ("term_description", "{} “{}”: {} cases."),
    ("label_text", "{}: {}"),
    ("with_unit", "{} ({})"),
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
