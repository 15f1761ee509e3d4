//! `casebook import`: the real binary on the seed documents (tests/fixtures/import/seeds),
//! on Word and web files made here, and on bad input.

mod common;

use common::{fixture_path, Site};
use std::io::Write;
use std::path::{Path, PathBuf};

fn seed(n: usize) -> PathBuf {
    let dir = fixture_path("import/seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("seeds")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files[n].clone()
}

fn import(site: &Site, args: &[&str]) -> common::Run {
    let root = site.root().to_string_lossy().into_owned();
    let mut all = vec!["import", "--root", root.as_str()];
    all.extend_from_slice(args);
    site.run(&all)
}

/// The drafts under content/cases/<sub>/, sorted by name, as (file name, text).
fn drafts(site: &Site, sub: &str) -> Vec<(String, String)> {
    let dir = site.root().join("content/cases").join(sub);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
                .map(|e| {
                    let text = std::fs::read_to_string(e.path()).expect("read draft");
                    (e.file_name().to_string_lossy().into_owned(), text)
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn field<'a>(draft: &'a str, key: &str) -> Option<&'a str> {
    let prefix = format!("{key}: ");
    draft
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .map(|v| v.split("  #").next().unwrap_or(v).trim().trim_matches('"'))
}

/// Titles and regions of one seed's drafts, in the order written.
fn import_seed(n: usize) -> (Site, Vec<(String, String)>) {
    let site = Site::from_fixture("basic");
    let path = seed(n);
    import(
        &site,
        &[
            path.to_str().expect("path"),
            "--split",
            "--into",
            "imported",
        ],
    )
    .assert_ok();
    let d = drafts(&site, "imported");
    (site, d)
}

fn titles(d: &[(String, String)]) -> Vec<String> {
    let mut t: Vec<String> = d
        .iter()
        .filter_map(|(_, x)| field(x, "title").map(String::from))
        .collect();
    t.sort();
    t
}

fn regions(d: &[(String, String)]) -> Vec<String> {
    let mut t: Vec<String> = d
        .iter()
        .filter_map(|(_, x)| field(x, "region").map(String::from))
        .collect();
    t.sort();
    t
}

#[test]
fn seed_0_splits_into_its_two_articles_with_byline() {
    let (_site, d) = import_seed(0);
    assert_eq!(
        titles(&d),
        [
            "四川乐山金山镇社工站：持续深化“134”工作法，打造“金诚所至”为民服务品牌",
            "福建厦门湖里区：完善机制政策保障，推动社会工作发展",
        ]
    );
    assert_eq!(
        regions(&d),
        [
            "[\"四川省\", \"乐山市\", \"五通桥区\", \"金山镇\"]",
            "[\"福建省\", \"厦门市\", \"湖里区\"]"
        ]
    );
    let jinshan = &d
        .iter()
        .find(|(_, t)| t.contains("金诚所至"))
        .expect("jinshan")
        .1;
    assert_eq!(field(jinshan, "author"), Some("杨宇梅"));
    assert_eq!(field(jinshan, "brand"), Some("金诚所至"));
    assert_eq!(
        field(jinshan, "organization"),
        Some("乐山初心社会工作服务中心")
    );
    // Counts come with the sentence they were found in.
    assert!(
        jinshan.contains("  # 社工站秉持“助人自助”理念"),
        "{jinshan}"
    );
    assert!(
        jinshan.contains("{group: \"老人\", count: \"8000余\", unit: \"人次\"}"),
        "{jinshan}"
    );
    assert!(
        jinshan.contains("{source: \"累计收入\", amount: \"160余万元\"}")
            || jinshan.contains("160余万元")
    );
}

#[test]
fn seed_1_splits_and_the_caption_stays_out_of_the_titles() {
    let (_site, d) = import_seed(1);
    assert_eq!(
        titles(&d),
        [
            "浙江海盐：加强社会工作专业队伍建设",
            "福建厦门湖里区：“三力并举”赋能社会工作专业队伍建设"
        ]
    );
    assert_eq!(
        regions(&d),
        [
            "[\"浙江省\", \"嘉兴市\", \"海盐县\"]",
            "[\"福建省\", \"厦门市\", \"湖里区\", \"湖里街道\"]"
        ]
    );
    let haiyan = &d
        .iter()
        .find(|(_, t)| t.contains("浙江海盐"))
        .expect("haiyan")
        .1;
    assert!(
        haiyan.contains("{source: \"撬动资金\", amount: \"1900万元\"}"),
        "{haiyan}"
    );
    // 参考率提升至88% and 同比增长超50% are percentages, not counts.
    assert!(!haiyan.contains("count: \"88"), "{haiyan}");
    assert!(!haiyan.contains("count: \"50\""), "{haiyan}");
}

#[test]
fn seed_2_headlines_printed_after_the_articles_find_their_articles() {
    let (_site, d) = import_seed(2);
    let t = titles(&d);
    assert_eq!(t.len(), 3, "{t:?}");
    assert!(
        t.contains(&"广东深圳南山区：兜底民生社会工作服务 100%覆盖".to_string()),
        "{t:?}"
    );
    assert!(
        t.contains(&"福建晋江：创新打造“闭环式”社工人才培养模式".to_string()),
        "{t:?}"
    );
    assert_eq!(
        regions(&d),
        [
            "[\"广东省\", \"深圳市\", \"南山区\"]",
            "[\"江苏省\", \"盐城市\", \"亭湖区\"]",
            "[\"福建省\", \"泉州市\", \"晋江市\"]",
        ]
    );
    // The Tinghu article has no headline in the text: the draft says so.
    let tinghu = &d
        .iter()
        .find(|(_, t)| t.contains("亭湖区"))
        .expect("tinghu")
        .1;
    assert!(
        tinghu.contains("# title: the text has no headline"),
        "{tinghu}"
    );
    // Its lead, which the PDF put after its end, is back in it, and lines are re-joined.
    assert!(
        tinghu.contains("得益于盐城市亭湖区开展的“五社联动”工作。"),
        "{tinghu}"
    );
    assert!(tinghu.contains(
        "近年来，亭湖区充分调动社区、社会组织、社工人才、社会志愿服务队伍及社区慈善资源"
    ));
    let nanshan = &d
        .iter()
        .find(|(_, t)| t.contains("南山区："))
        .expect("nanshan")
        .1;
    assert!(!nanshan.contains("亭湖"), "{nanshan}");
}

#[test]
fn seed_3_kicker_byline_and_headings() {
    let (_site, d) = import_seed(3);
    assert_eq!(
        titles(&d),
        [
            "宁夏银川：充分发挥社会工作优势,打造基层治理“银川样板”",
            "河南浚县民政局大力推进社会工作人才队伍建设"
        ]
    );
    assert_eq!(
        regions(&d),
        [
            "[\"宁夏回族自治区\", \"银川市\"]",
            "[\"河南省\", \"鹤壁市\", \"浚县\"]"
        ]
    );
    let xunxian = &d
        .iter()
        .find(|(_, t)| t.contains("浚县"))
        .expect("xunxian")
        .1;
    assert_eq!(field(xunxian, "author"), Some("张艳"));
    assert!(
        xunxian.contains("**聚焦特色,打造亮点**"),
        "the kicker is kept"
    );
    assert!(
        xunxian.contains("\n## 健全工作机制 组建社工服务网络\n"),
        "{xunxian}"
    );
    // 从…资金总量的2% is a share, not an amount; 120万元左右 is one.
    assert!(!xunxian.contains("amount: \"2"), "{xunxian}");
    assert!(xunxian.contains("amount: \"120万元\""), "{xunxian}");
    // The broken line around the photo caption is one paragraph, the caption set apart.
    let yinchuan = &d
        .iter()
        .find(|(_, t)| t.contains("银川样板"))
        .expect("yinchuan")
        .1;
    assert!(
        yinchuan.contains("贺冀是自治区社会工作督导人才"),
        "{yinchuan}"
    );
    assert!(yinchuan.contains("*宁夏银川,社工带领青少年开展活动*"));
    assert!(
        yinchuan.contains("小鑫从小和爷爷奶奶一起生活"),
        "{yinchuan}"
    );
}

#[test]
fn seed_4_three_articles() {
    let (_site, d) = import_seed(4);
    assert_eq!(
        titles(&d),
        [
            "北京太阳宫：开展地区社会工作服务平台建设工作",
            "安徽六安：全方位谋划高标准推进社会工作",
            "山东潍坊奎文经济开发区：“社会工作+志愿服务”助力社会治理",
        ]
    );
    assert_eq!(
        regions(&d),
        [
            "[\"北京市\", \"朝阳区\", \"太阳宫地区\"]",
            "[\"安徽省\", \"六安市\"]",
            "[\"山东省\", \"潍坊市\", \"奎文区\"]",
        ]
    );
}

#[test]
fn all_seeds_become_drafts_that_pass_check() {
    let site = Site::from_fixture("basic");
    let seeds = fixture_path("import/seeds");
    let run = import(&site, &[seeds.to_str().expect("path"), "--split"]);
    run.assert_ok();
    assert!(
        run.stdout().contains("wrote 12 drafts from 5 sources"),
        "{}",
        run.stdout()
    );
    // The README's accuracy table: 79 counts and amounts found by hand, all suggested.
    let suggested: usize = std::fs::read_dir(site.root().join("content/cases"))
        .expect("cases")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| std::fs::read_to_string(e.path()).expect("draft"))
        .filter(|t| t.contains("draft: true"))
        .map(|t| t.matches("  - {group:").count() + t.matches("  - {source:").count())
        .sum();
    assert_eq!(suggested, 79);
    let check = site.run(&["check", "--drafts"]);
    let out = check.stdout();
    assert!(
        out.contains(" 0 errors"),
        "{}",
        &out[out.len().saturating_sub(2000)..]
    );
    // And they build, the byline on the case page.
    site.run(&["build", "--drafts"]).assert_ok();
    let page = walk_find(
        &site.public().join("cases"),
        "<dd class=\"author\">杨宇梅</dd>",
    );
    assert!(page.is_some(), "the author is shown on the case page");
    let print =
        std::fs::read_to_string(site.public().join("print/index.html")).expect("print edition");
    assert!(
        print.contains("<td>杨宇梅</td>"),
        "the author is in the print edition's metadata"
    );
}

fn walk_find(dir: &Path, needle: &str) -> Option<PathBuf> {
    for e in std::fs::read_dir(dir).ok()?.filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            if let Some(f) = walk_find(&p, needle) {
                return Some(f);
            }
        } else if std::fs::read_to_string(&p).is_ok_and(|t| t.contains(needle)) {
            return Some(p);
        }
    }
    None
}

#[test]
fn without_split_one_draft_and_never_overwrites() {
    let site = Site::from_fixture("basic");
    let path = seed(0);
    let p = path.to_str().expect("path");
    import(&site, &[p, "--into", "x"]).assert_ok();
    let first = drafts(&site, "x");
    assert_eq!(first.len(), 1);
    import(&site, &[p, "--into", "x"]).assert_ok();
    let second = drafts(&site, "x");
    assert_eq!(second.len(), 2, "a second import gets a new file");
    let old = second
        .iter()
        .find(|(n, _)| *n == first[0].0)
        .expect("first draft kept");
    assert!(old.1 == first[0].1, "the first draft is unchanged");
    assert!(
        second.iter().any(|(n, _)| n.ends_with("-2.md")),
        "{:?}",
        second.iter().map(|d| &d.0).collect::<Vec<_>>()
    );
}

#[test]
fn dry_run_writes_nothing() {
    let site = Site::from_fixture("basic");
    let path = seed(1);
    let run = import(
        &site,
        &[
            path.to_str().expect("path"),
            "--split",
            "--dry-run",
            "--into",
            "x",
        ],
    );
    run.assert_ok();
    assert!(
        run.stdout().contains("would write 2 drafts"),
        "{}",
        run.stdout()
    );
    assert!(drafts(&site, "x").is_empty());
}

#[test]
fn gbk_text_is_converted_and_the_encoding_reported() {
    let site = Site::from_fixture("basic");
    let text = std::fs::read_to_string(seed(0)).expect("seed");
    let (bytes, _, _) = encoding_rs::GBK.encode(&text);
    let file = site.root().join("gbk.txt");
    std::fs::write(&file, &bytes).expect("write");
    let run = import(
        &site,
        &[file.to_str().expect("path"), "--split", "--into", "g"],
    );
    run.assert_ok();
    assert!(
        run.stdout().contains("(read as gb18030)"),
        "{}",
        run.stdout()
    );
    let d = drafts(&site, "g");
    assert_eq!(d.len(), 2);
    assert!(d.iter().any(|(_, t)| t.contains("金诚所至")));
}

#[test]
fn bad_files_are_named_and_the_rest_imported() {
    let site = Site::from_fixture("basic");
    let dir = site.root().join("in");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("old.doc"), b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest").expect("doc");
    std::fs::write(
        dir.join("locked.docx"),
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1EncryptedPackage",
    )
    .expect("locked");
    std::fs::write(dir.join("broken.docx"), b"PK\x03\x04 not really a zip").expect("broken");
    std::fs::write(dir.join("empty.txt"), b"").expect("empty");
    std::fs::write(dir.join("case.md"), "---\ntitle: x\n---\n正文").expect("md");
    std::fs::copy(seed(4), dir.join("good.txt")).expect("good");
    let run = import(
        &site,
        &[dir.to_str().expect("path"), "--split", "--into", "b"],
    );
    assert_eq!(run.code(), Some(1), "{}", run.stdout());
    let out = run.stdout();
    assert!(
        out.contains("old.doc: is an old Word 97-2003 document"),
        "{out}"
    );
    assert!(out.contains("save it as .docx"), "{out}");
    assert!(out.contains("locked.docx: is password-protected"), "{out}");
    assert!(out.contains("broken.docx: is damaged"), "{out}");
    assert!(out.contains("empty.txt: is empty"), "{out}");
    assert!(out.contains("case.md: already has front matter"), "{out}");
    assert!(out.contains("5 sources could not be read"), "{out}");
    assert_eq!(
        drafts(&site, "b").len(),
        3,
        "good.txt is imported all the same"
    );
}

#[test]
fn json_report_for_scripts() {
    let site = Site::from_fixture("basic");
    let path = seed(3);
    let run = import(
        &site,
        &[
            path.to_str().expect("path"),
            "--split",
            "--format",
            "json",
            "--dry-run",
        ],
    );
    run.assert_ok();
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).expect("json");
    let d = &v["sources"][0]["drafts"];
    assert_eq!(d.as_array().map(Vec::len), Some(2));
    assert_eq!(d[0]["author"], "张艳");
    assert_eq!(d[0]["region"][2], "浚县");
}

/// A small Word document: a title, a heading, bold and italic, a list, a table, a
/// footnote and an image, as Word writes them.
fn make_docx(path: &Path) {
    // A real (tiny) PNG: the photo pipeline decodes every image a case names.
    let mut png = Vec::new();
    image::RgbImage::from_pixel(4, 3, image::Rgb([200, 120, 60]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    make_docx_with(path, "media/image1.png", &png);
}

/// [`make_docx`] with another image in it.
fn make_docx_with(path: &Path, image_name: &str, image_bytes: &[u8]) {
    let f = std::fs::File::create(path).expect("create docx");
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default();
    let mut put = |name: &str, body: &[u8]| {
        z.start_file(name, opts).expect("start");
        z.write_all(body).expect("write");
    };
    put("[Content_Types].xml", b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>");
    put("word/styles.xml", r#"<?xml version="1.0"?><w:styles xmlns:w="w"><w:style w:styleId="1"><w:name w:val="heading 1"/></w:style><w:style w:styleId="2"><w:name w:val="heading 2"/></w:style></w:styles>"#.as_bytes());
    let rels = format!(
        r#"<?xml version="1.0"?><Relationships><Relationship Id="rId9" Target="{image_name}"/></Relationships>"#
    );
    put("word/_rels/document.xml.rels", rels.as_bytes());
    put(&format!("word/{image_name}"), image_bytes);
    put("word/footnotes.xml", r#"<?xml version="1.0"?><w:footnotes xmlns:w="w"><w:footnote w:id="0"><w:p><w:r><w:t>sep</w:t></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>数据来自浚县民政局。</w:t></w:r></w:p></w:footnote></w:footnotes>"#.as_bytes());
    put("docProps/core.xml", r#"<?xml version="1.0"?><cp:coreProperties xmlns:cp="c" xmlns:dc="d" xmlns:dcterms="t"><dc:title>浚县社工站</dc:title><dc:creator>Administrator</dc:creator><dcterms:created>2024-03-05T08:00:00Z</dcterms:created></cp:coreProperties>"#.as_bytes());
    let doc = r#"<?xml version="1.0"?><w:document xmlns:w="w" xmlns:a="a" xmlns:r="r"><w:body>
<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>河南浚县：社工站服务困难群众</w:t></w:r></w:p>
<w:p><w:r><w:t>■ 张艳</w:t></w:r></w:p>
<w:p><w:r><w:t>河南省鹤壁市浚县民政局推进社工站建设，</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>服务困难群众总计2.2万余人</w:t></w:r><w:r><w:t>，</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>每年用于购买社工服务资金在120万元左右</w:t></w:r><w:r><w:t>。</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="2"/></w:pPr><w:r><w:t>一、健全工作机制</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>困难群众大排查</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>走访慰问</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>对象</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>人数</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>低保</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>4139</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:drawing><a:blip r:embed="rId9"/></w:drawing></w:r></w:p>
</w:body></w:document>"#;
    put("word/document.xml", doc.as_bytes());
    z.finish().expect("finish");
}

#[test]
fn word_documents_keep_headings_emphasis_lists_tables_footnotes_images() {
    let site = Site::from_fixture("basic");
    let file = site.root().join("浚县.docx");
    make_docx(&file);
    import(&site, &[file.to_str().expect("path"), "--into", "w"]).assert_ok();
    let d = drafts(&site, "w");
    assert_eq!(d.len(), 1);
    let (name, text) = &d[0];
    assert_eq!(field(text, "title"), Some("河南浚县：社工站服务困难群众"));
    assert_eq!(field(text, "author"), Some("张艳"));
    assert_eq!(
        field(text, "date"),
        Some("2024-03-05"),
        "from the document's properties"
    );
    assert_eq!(
        field(text, "region"),
        Some("[\"河南省\", \"鹤壁市\", \"浚县\"]")
    );
    assert!(text.contains("**服务困难群众总计2.2万余人**"), "{text}");
    assert!(
        text.contains("*每年用于购买社工服务资金在120万元左右*"),
        "{text}"
    );
    assert!(
        text.contains("[^1]") && text.contains("[^1]: 数据来自浚县民政局。"),
        "{text}"
    );
    assert!(text.contains("\n## 一、健全工作机制\n"), "{text}");
    assert!(
        text.contains("- 困难群众大排查\n\n- 走访慰问") || text.contains("- 困难群众大排查"),
        "{text}"
    );
    assert!(
        text.contains("| 对象 | 人数 |\n| --- | --- |\n| 低保 | 4139 |"),
        "{text}"
    );
    let slug = name.trim_end_matches(".md");
    let img = format!("images/{slug}-1.png");
    assert!(text.contains(&format!("![]({img})")), "{text}");
    assert!(
        site.root().join("content/cases/w").join(&img).exists(),
        "the image is beside the case"
    );
    assert!(text.contains("amount: \"120万元\""), "{text}");
    let check = site.run(&["check", "--drafts"]);
    assert!(check.stdout().contains(" 0 errors"), "{}", check.stdout());
}

/// A Word drawing (EMF) cannot be shown on a web page: the draft leaves it out, the report
/// says which image and what to do, and the draft checks clean (it named the EMF before,
/// and the build then stopped on it).
#[test]
fn word_drawings_are_left_out_with_a_note() {
    let site = Site::from_fixture("basic");
    let file = site.root().join("浚县.docx");
    // The start of an EMF file: an EMR_HEADER record with the " EMF" signature at 40.
    let mut emf = vec![1u8, 0, 0, 0, 108, 0, 0, 0];
    emf.resize(40, 0);
    emf.extend_from_slice(b" EMF");
    emf.resize(108, 0);
    make_docx_with(&file, "media/image1.emf", &emf);
    let run = import(&site, &[file.to_str().expect("path"), "--into", "w"]);
    run.assert_ok();
    let out = run.stdout() + &run.stderr();
    assert!(
        out.contains("media/image1.emf") && out.contains("EMF") && out.contains("PNG or JPEG"),
        "{out}"
    );
    let d = drafts(&site, "w");
    assert_eq!(d.len(), 1);
    assert!(
        !d[0].1.contains("emf") && !d[0].1.contains("!["),
        "{}",
        d[0].1
    );
    let check = site.run(&["check", "--drafts"]);
    assert!(check.stdout().contains(" 0 errors"), "{}", check.stdout());
}

#[test]
fn web_articles_keep_the_article_only() {
    let site = Site::from_fixture("basic");
    let file = site.root().join("a.html");
    std::fs::write(
        &file,
        r#"<!doctype html><html><head><meta charset="utf-8"><title>网站标题</title>
<meta name="author" content="李明"><meta name="date" content="2024-05-06"></head>
<body><nav>首页 | 新闻</nav><article><h1>福建晋江：创新打造“闭环式”社工人才培养模式</h1>
<p>近年来，晋江市民政局持续加强社工人才专业队伍建设，<strong>选拔“初级督导”8名</strong>。</p>
<h2>聚焦“做什么”</h2><ul><li>民生微实事</li><li>项目评审</li></ul>
<table><tr><th>年份</th><th>资金</th></tr><tr><td>2023</td><td>511万元</td></tr></table>
<script>var x = 1;</script></article><footer>版权所有</footer></body></html>"#,
    )
    .expect("html");
    import(&site, &[file.to_str().expect("path"), "--into", "h"]).assert_ok();
    let d = drafts(&site, "h");
    let text = &d[0].1;
    assert_eq!(
        field(text, "title"),
        Some("福建晋江：创新打造“闭环式”社工人才培养模式")
    );
    assert_eq!(field(text, "author"), Some("李明"));
    assert_eq!(field(text, "date"), Some("2024-05-06"));
    assert_eq!(
        field(text, "region"),
        Some("[\"福建省\", \"泉州市\", \"晋江市\"]")
    );
    assert!(text.contains("**选拔“初级督导”8名**"));
    assert!(text.contains("## 聚焦“做什么”"));
    assert!(text.contains("- 民生微实事"));
    assert!(text.contains("| 2023 | 511万元 |"));
    assert!(!text.contains("首页") && !text.contains("版权所有") && !text.contains("var x"));
}

/// A page as a browser's "Save page as… complete" writes it: `<name>.html` and its
/// images in `<name>_files/`, named by percent-encoded relative addresses.
#[test]
fn web_articles_bring_their_saved_images() {
    let site = Site::from_fixture("basic");
    let saved = site.root().join("saved");
    std::fs::create_dir_all(saved.join("晋江_files")).expect("saved folder");
    let mut png = Vec::new();
    image::RgbImage::from_pixel(6, 4, image::Rgb([30, 140, 90]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    std::fs::write(saved.join("晋江_files/走访 1.png"), &png).expect("png file");
    // Beside the site, not beside the page: never copied.
    std::fs::write(site.root().join("secret.png"), &png).expect("outside file");
    let file = saved.join("晋江.html");
    std::fs::write(
        &file,
        r#"<!doctype html><html><head><meta charset="utf-8"><meta name="date" content="2024-05-06"></head>
<body><article><h1>福建晋江：社工入户走访困难群众</h1>
<p>近年来，晋江市民政局组织社工入户走访困难群众。</p>
<figure><img src="./%E6%99%8B%E6%B1%9F_files/%E8%B5%B0%E8%AE%BF%201.png" alt="社工入户走访"><figcaption>社工在入户走访</figcaption></figure>
<p>走访之后建立台账。<img src="https://mmbiz.example.com/photo.jpg" alt="远程"></p>
<p><img src="../secret.png"></p>
<p>持续跟进服务。</p></article></body></html>"#,
    )
    .expect("html");
    let run = import(&site, &[file.to_str().expect("path"), "--into", "h"]);
    run.assert_ok();
    let out = run.stdout();
    let d = drafts(&site, "h");
    assert_eq!(d.len(), 1);
    let (name, text) = &d[0];
    let slug = name.trim_end_matches(".md");
    let img = format!("images/{slug}-1.png");
    // At its place: after the first paragraph, before the caption and the next one.
    let at = text
        .find(&format!("![社工入户走访]({img})"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        text.find("组织社工入户走访困难群众")
            .is_some_and(|p| p < at),
        "{text}"
    );
    assert!(
        text.find("*社工在入户走访*").is_some_and(|p| p > at),
        "{text}"
    );
    assert!(
        !text.contains("mmbiz") && !text.contains("secret"),
        "{text}"
    );
    assert!(!text.contains("](image:"), "{text}");
    let copied = site.root().join("content/cases/h").join(&img);
    assert_eq!(std::fs::read(&copied).expect("copied image"), png);
    assert_eq!(
        std::fs::read_dir(copied.parent().expect("images folder"))
            .expect("images")
            .count(),
        1,
        "only the image beside the page is copied"
    );
    assert!(out.contains("1 image"), "{out}");
    assert!(
        out.contains("note: image not copied, add it by hand: https://mmbiz.example.com/photo.jpg (an address on the web"),
        "{out}"
    );
    assert!(
        out.contains("note: image not copied, add it by hand: ../secret.png (the file ../secret.png is outside the folder of 晋江.html"),
        "{out}"
    );
    let check = site.run(&["check", "--drafts"]);
    assert!(check.stdout().contains(" 0 errors"), "{}", check.stdout());
    // Importing the folder: the frame a browser saved into 晋江_files/ is no article.
    std::fs::write(saved.join("晋江_files/frame.html"), "<p>广告</p>").expect("frame");
    let run = import(
        &site,
        &[saved.to_str().expect("path"), "--into", "f", "--dry-run"],
    );
    run.assert_ok();
    assert!(
        run.stdout().contains("would write 1 draft from 1 source"),
        "{}",
        run.stdout()
    );
}

#[test]
fn a_folder_that_is_not_a_site_is_refused() {
    let site = Site::empty();
    let path = seed(0);
    let run = import(&site, &[path.to_str().expect("path")]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr()
            .contains("is not a casebook site (it has no casebook.yaml)"),
        "{}",
        run.stderr()
    );
    assert!(!site.root().join("content").exists(), "nothing written");
}

#[test]
fn into_takes_a_folder_name_inside_content_cases_and_nothing_else() {
    let site = Site::from_fixture("basic");
    let path = seed(0);
    for bad in ["content/cases/2024", "../elsewhere", "/tmp/x"] {
        let run = import(&site, &[path.to_str().expect("path"), "--into", bad]);
        assert!(!run.ok(), "--into {bad} should be refused");
        assert!(
            run.stderr()
                .contains("give only the folder's name inside content/cases/"),
            "{}",
            run.stderr()
        );
    }
    assert!(!site.root().join("content/cases/content").exists());
    assert!(!site.root().join("elsewhere").exists());
}
