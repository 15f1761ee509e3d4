//! Counts and money amounts as editors copy them from Chinese reports.
//!
//! [`Count::parse`] and [`Amount::parse`] turn strings such as `8000余`,
//! `近10万`, `1500余万元` or `1.5亿元` into the text as written, a normalised
//! number (people, households, yuan…) and its [`Precision`]: exact, a lower bound
//! (`8000余`, `超10万`) or only about (`约8000`, `近10万`).
//! [`format_count`] and [`format_yuan`] go the other way for display.
//!
//! What it does:
//! - full-width digits and punctuation (`８，０００`), thousands separators,
//!   decimals, the multipliers 百/千/万/亿 (and 百万/千万/万亿), the leading
//!   forms 十余/百余/千余/万余, approximate markers (约, 近, 超, 逾, 超过,
//!   将近, 大约, 接近, 不足, 不到 before; 余, 多, 左右, 以上, 上下 after),
//!   a trailing unit word (人次, 人, 户, 个, 名, 家, 次, 场, 小时 for counts;
//!   元 for amounts);
//! - exact decimal arithmetic: `1.1亿` is exactly `110000000.0`.
//!
//! What it does not do:
//! - Chinese numerals other than the leading forms above (`三千`, `一百二十`);
//! - ranges, percentages, negative numbers or vague words (`数百`, `几十`,
//!   `很多`): these are errors whose hint says what to write instead;
//! - currencies other than yuan, or units other than those listed.
//!
//! Parsing never panics; every failure is a [`QuantityError`].

use serde::Serialize;
use serde_yaml::Value;

/// How exactly a quantity's text states its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// No marker: `8000`.
    #[default]
    Exact,
    /// "More than": `8000余`, `200多`, `超10万`, `逾100万`, `1000以上`.
    AtLeast,
    /// "About", "nearly", "under": `约8000`, `近10万`, `8000左右`, `不足100`.
    About,
}

impl Precision {
    /// Whether the number is not exact.
    pub fn is_approx(self) -> bool {
        self != Precision::Exact
    }

    /// Two markers together: "about" if either says so (`约8000余`), else "more than"
    /// if either does (`超1000余`).
    fn and(self, other: Precision) -> Precision {
        use Precision::*;
        match (self, other) {
            (About, _) | (_, About) => About,
            (AtLeast, _) | (_, AtLeast) => AtLeast,
            _ => Exact,
        }
    }
}

/// Serialised as `approx: bool`, as before there was a [`Precision`].
fn approx_flag<S: serde::Serializer>(p: &Precision, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bool(p.is_approx())
}

/// A count of people, households, events…: `8000余` -> 8000, at least.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Count {
    /// What the editor wrote, trimmed.
    pub text: String,
    /// The number stated (`近10万` -> 100000).
    pub value: f64,
    /// What the text's markers (约, 余, 多…) say about the number.
    #[serde(rename = "approx", serialize_with = "approx_flag")]
    pub precision: Precision,
}

/// A money amount in yuan: `1500余万元` -> 15000000, at least.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Amount {
    /// What the editor wrote, trimmed.
    pub text: String,
    /// The amount in yuan (`1.5亿元` -> 150000000).
    pub yuan: f64,
    /// What the text's markers (约, 余, 多…) say about the amount.
    #[serde(rename = "approx", serialize_with = "approx_flag")]
    pub precision: Precision,
}

impl Count {
    /// Whether the count is not exact.
    pub fn approx(&self) -> bool {
        self.precision.is_approx()
    }
}

impl Amount {
    /// Whether the amount is not exact.
    pub fn approx(&self) -> bool {
        self.precision.is_approx()
    }
}

/// Why a value is not a count or amount, and what to write instead.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct QuantityError {
    /// What is wrong, quoting the value.
    pub message: String,
    /// What would be right.
    pub hint: String,
}

impl Count {
    /// Parses a count such as `8000`, `8,000`, `8000余人`, `2.2万` or `近10万`.
    pub fn parse(text: &str) -> Result<Count, QuantityError> {
        let (value, precision) = parse_quantity(text, Kind::Count)?;
        Ok(Count {
            text: text.trim().to_string(),
            value,
            precision,
        })
    }

    /// For YAML values that arrive as numbers or strings.
    pub fn from_yaml(v: &Value) -> Result<Count, QuantityError> {
        Count::parse(&yaml_text(v, Kind::Count)?)
    }
}

impl Amount {
    /// Parses an amount such as `65000元`, `120万元`, `1500余万元`, `1.5亿元`;
    /// `1900万` means 1900万元 and a plain number means yuan.
    pub fn parse(text: &str) -> Result<Amount, QuantityError> {
        let (yuan, precision) = parse_quantity(text, Kind::Amount)?;
        Ok(Amount {
            text: text.trim().to_string(),
            yuan,
            precision,
        })
    }

    /// For YAML values that arrive as numbers or strings.
    pub fn from_yaml(v: &Value) -> Result<Amount, QuantityError> {
        Amount::parse(&yaml_text(v, Kind::Amount)?)
    }
}

/// Chinese report style: `800元`, `6.5万元`, `1500万元`, `1.5亿元`, `12.35亿元`
/// (at most 2 decimals, trailing zeros trimmed); approx prefixes `约`.
/// English (`lang` starting with `en`): `¥15,000,000`, approx `about ¥15,000,000`.
/// Any other `lang` gets the Chinese style.
pub fn format_yuan(yuan: f64, approx: bool, lang: &str) -> String {
    if is_english(lang) {
        let sign = if yuan < 0.0 { "-" } else { "" };
        let number = group_thousands(&decimal_text(yuan.abs()));
        let about = if approx { "about " } else { "" };
        format!("{about}{sign}¥{number}")
    } else {
        let about = if approx { "约" } else { "" };
        format!("{about}{}元", chinese_number(yuan))
    }
}

/// Counts: `8000`, `2.2万`, `113万`, `1.5亿` (zh; 万 from 1万 up, 亿 from 1亿 up);
/// approx appends `余` (`8000余`). English (`lang` starting with `en`):
/// `8,000`, `22,000`, `1,130,000`, approx `about 8,000`.
pub fn format_count(value: f64, approx: bool, lang: &str) -> String {
    if is_english(lang) {
        let about = if approx { "about " } else { "" };
        format!("{about}{}", group_thousands(&decimal_text(value)))
    } else {
        let more = if approx { "余" } else { "" };
        format!("{}{more}", chinese_number(value))
    }
}

/// A total of counts: like [`format_count`], but when `about` (some approximate input
/// was not a lower bound, like 约 or 近) Chinese says `约10.92万` instead of `10.92万余`.
pub fn format_total(value: f64, approx: bool, about: bool, lang: &str) -> String {
    if approx && about && !is_english(lang) {
        format!("约{}", chinese_number(value))
    } else {
        format_count(value, approx, lang)
    }
}

// ---------------------------------------------------------------- grammar

/// Which kind of quantity is being parsed: decides units and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Count,
    Amount,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Count => "a number",
            Kind::Amount => "an amount",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Kind::Count => "write a number such as 8000, 8000余, 2.2万 or 近10万",
            Kind::Amount => "write an amount such as 65000元, 120万元 or 1.5亿元",
        }
    }

    fn units(self) -> &'static [&'static str] {
        match self {
            Kind::Count => &["人次", "小时", "人", "户", "个", "名", "家", "次", "场"],
            Kind::Amount => &["元"],
        }
    }
}

/// Approximate markers before the number, and what each says; longer ones first.
const APPROX_PREFIXES: &[(&str, Precision)] = &[
    ("超过", Precision::AtLeast),
    ("将近", Precision::About),
    ("大约", Precision::About),
    ("接近", Precision::About),
    ("不足", Precision::About),
    ("不到", Precision::About),
    ("近", Precision::About),
    ("约", Precision::About),
    ("超", Precision::AtLeast),
    ("逾", Precision::AtLeast),
];

/// Approximate markers after the number, the multiplier or the unit.
const APPROX_SUFFIXES: &[(&str, Precision)] = &[
    ("左右", Precision::About),
    ("以上", Precision::AtLeast),
    ("上下", Precision::About),
    ("余", Precision::AtLeast),
    ("多", Precision::AtLeast),
];

/// Characters separating the two ends of a range.
const RANGE_SEPARATORS: &[char] = &['-', '~', '—', '–', '−', '至', '到'];

/// A non-negative decimal as written: `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    mantissa: u128,
    scale: u32,
}

/// The shared grammar of counts and amounts: returns (value, precision).
fn parse_quantity(raw: &str, kind: Kind) -> Result<(f64, Precision), QuantityError> {
    let ctx = Ctx { raw, kind };
    let norm = to_half_width(raw.trim());
    if norm.is_empty() {
        return Err(ctx.error(format!(
            "{} is required but the value is empty",
            kind.noun()
        )));
    }
    check_percent(&norm, &ctx)?;
    let (prefixed, rest) = strip_approx_prefix(&norm);
    check_negative(rest, &ctx)?;
    check_vague(rest, &ctx)?;
    check_range(rest, &ctx)?;
    let (number, tail) = leading_number(rest, &ctx)?;
    let (multiplier, suffixed) = parse_tail(tail, &ctx)?;
    Ok((
        scale_value(number, multiplier, &ctx)?,
        prefixed.and(suffixed),
    ))
}

/// The value being parsed, for error messages.
struct Ctx<'a> {
    raw: &'a str,
    kind: Kind,
}

impl Ctx<'_> {
    fn error(&self, message: String) -> QuantityError {
        self.error_hint(message, self.kind.example().to_string())
    }

    fn error_hint(&self, message: String, hint: String) -> QuantityError {
        QuantityError { message, hint }
    }

    fn not_a_number(&self) -> QuantityError {
        self.error(format!(
            "\"{}\" is not {}",
            self.raw.trim(),
            self.kind.noun()
        ))
    }
}

/// Maps full-width ASCII forms (`８`, `，`, `．`, `％`) and the ideographic
/// space to their ASCII counterparts; everything else is kept.
fn to_half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn check_percent(s: &str, ctx: &Ctx) -> Result<(), QuantityError> {
    if s.contains(['%', '‰']) || s.starts_with("百分之") {
        let message = format!(
            "\"{}\" is a percentage, not {}",
            ctx.raw.trim(),
            ctx.kind.noun()
        );
        let hint = format!("put ratios in the text; {}", ctx.kind.example());
        return Err(ctx.error_hint(message, hint));
    }
    Ok(())
}

/// Strips one approximate marker from the front: (what it says, rest).
fn strip_approx_prefix(s: &str) -> (Precision, &str) {
    APPROX_PREFIXES
        .iter()
        .find_map(|(p, precision)| s.strip_prefix(p).map(|rest| (*precision, rest)))
        .map_or((Precision::Exact, s), |(p, rest)| (p, rest.trim_start()))
}

fn check_negative(s: &str, ctx: &Ctx) -> Result<(), QuantityError> {
    if s.starts_with(['-', '−', '负']) {
        let message = format!("\"{}\" is negative", ctx.raw.trim());
        let hint = format!(
            "{} cannot be negative; {}",
            plural(ctx.kind),
            ctx.kind.example()
        );
        return Err(ctx.error_hint(message, hint));
    }
    Ok(())
}

fn plural(kind: Kind) -> &'static str {
    match kind {
        Kind::Count => "counts",
        Kind::Amount => "amounts",
    }
}

/// `数百`, `几十`, `上千`, `成千`, `十几`: no number is stated.
fn check_vague(s: &str, ctx: &Ctx) -> Result<(), QuantityError> {
    let mut chars = s.chars();
    let first = chars.next();
    let second = chars.next();
    let vague_lead = matches!(first, Some('数' | '上' | '成'))
        && matches!(second, Some('十' | '百' | '千' | '万' | '亿'));
    if vague_lead || s.contains('几') {
        let message = format!(
            "\"{}\" is too vague to be {}",
            ctx.raw.trim(),
            ctx.kind.noun()
        );
        let hint = format!(
            "copy the figure the report gives (leave the field out if it gives none); {}",
            ctx.kind.example()
        );
        return Err(ctx.error_hint(message, hint));
    }
    Ok(())
}

/// `100-200`, `100~200`, `100至200`: a digit on both sides of a separator.
fn check_range(s: &str, ctx: &Ctx) -> Result<(), QuantityError> {
    for (i, c) in s.char_indices() {
        if i == 0 || !RANGE_SEPARATORS.contains(&c) {
            continue;
        }
        let (low, high) = (&s[..i], &s[i + c.len_utf8()..]);
        if has_digit(low) && has_digit(high) {
            let message = format!("\"{}\" is a range, not {}", ctx.raw.trim(), ctx.kind.noun());
            let low = low.trim();
            let hint = format!(
                "pick one number, e.g. {low}余 (more than {low}); {}",
                ctx.kind.example()
            );
            return Err(ctx.error_hint(message, hint));
        }
    }
    Ok(())
}

fn has_digit(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
}

/// The number at the front of `s` (digits, or 十/百/千/万 before 余/多 as
/// in `千余`) and what follows it.
fn leading_number<'a>(s: &'a str, ctx: &Ctx) -> Result<(Decimal, &'a str), QuantityError> {
    let end = s
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .map_or(s.len(), |(i, _)| i);
    if end == 0 {
        return implicit_number(s).ok_or_else(|| ctx.not_a_number());
    }
    let number = parse_decimal(&s[..end], ctx)?;
    Ok((number, &s[end..]))
}

/// `十余`, `百余`, `千多`, `万余`: the multiplier alone stands for one of it.
fn implicit_number(s: &str) -> Option<(Decimal, &str)> {
    let mut chars = s.chars();
    let lead = chars.next()?;
    let mantissa = match lead {
        '十' => 10,
        '百' => 100,
        '千' => 1_000,
        '万' => 10_000,
        _ => return None,
    };
    let rest = chars.as_str();
    rest.starts_with(['余', '多'])
        .then_some((Decimal { mantissa, scale: 0 }, rest))
}

/// `8000`, `8,000`, `2.5`, `1,234.5`; rejects `1..2`, `.5`, `80,00`.
fn parse_decimal(s: &str, ctx: &Ctx) -> Result<Decimal, QuantityError> {
    let (int, frac) = match s.split_once('.') {
        Some((int, frac)) => (int, frac),
        None => (s, ""),
    };
    if s.ends_with('.') || frac.contains(['.', ',']) || !valid_grouping(int) {
        return Err(ctx.not_a_number());
    }
    let frac = frac.trim_end_matches('0');
    let digits = int
        .chars()
        .chain(frac.chars())
        .filter_map(|c| c.to_digit(10));
    let mut mantissa: u128 = 0;
    for d in digits {
        let digit = u128::from(d);
        mantissa = mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(digit))
            .ok_or_else(|| too_many_digits(ctx))?;
    }
    let scale = u32::try_from(frac.len()).map_err(|_| too_many_digits(ctx))?;
    Ok(Decimal { mantissa, scale })
}

/// Integer part: digits, optionally grouped by commas in threes (`8,000`).
fn valid_grouping(int: &str) -> bool {
    let all_digits = |g: &str| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit());
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    if !int.contains(',') {
        return all_digits(first);
    }
    first.len() <= 3 && all_digits(first) && groups.all(|g| g.len() == 3 && all_digits(g))
}

fn too_many_digits(ctx: &Ctx) -> QuantityError {
    ctx.error(format!("\"{}\" has too many digits", ctx.raw.trim()))
}

/// What may follow the number: 余/多, one multiplier (`万`, `千万`), one unit
/// word, and trailing markers (`左右`, `以上`). Returns (multiplier, precision).
fn parse_tail(tail: &str, ctx: &Ctx) -> Result<(u128, Precision), QuantityError> {
    let mut s = tail;
    let (mut multiplier, mut precision, mut unit_seen) = (None, Precision::Exact, false);
    while !s.is_empty() {
        if let Some(rest) = s.strip_prefix(char::is_whitespace) {
            s = rest;
        } else if let Some((p, rest)) = APPROX_SUFFIXES
            .iter()
            .find_map(|(m, p)| s.strip_prefix(m).map(|rest| (*p, rest)))
        {
            (precision, s) = (precision.and(p), rest);
        } else if let Some((m, rest)) = multiplier_word(s) {
            if multiplier.is_some() || unit_seen {
                return Err(ctx.not_a_number());
            }
            (multiplier, s) = (Some(m), rest);
        } else if let Some(rest) = strip_any(s, ctx.kind.units()) {
            if unit_seen {
                return Err(ctx.not_a_number());
            }
            (unit_seen, s) = (true, rest);
        } else {
            return Err(unknown_tail(s, ctx));
        }
    }
    Ok((multiplier.unwrap_or(1), precision))
}

fn strip_any<'a>(s: &'a str, words: &[&str]) -> Option<&'a str> {
    words.iter().find_map(|w| s.strip_prefix(w))
}

/// `百`, `千`, `万`, `亿`, or a pair growing to the right (`百万`, `千万`, `万亿`).
fn multiplier_word(s: &str) -> Option<(u128, &str)> {
    let mut chars = s.chars();
    let first = multiplier_of(chars.next()?)?;
    let rest = chars.as_str();
    let second = chars.next().and_then(multiplier_of);
    match second {
        Some(m) if m >= 10_000 && m > first => Some((first * m, chars.as_str())),
        _ => Some((first, rest)),
    }
}

fn multiplier_of(c: char) -> Option<u128> {
    match c {
        '百' => Some(100),
        '千' => Some(1_000),
        '万' => Some(10_000),
        '亿' => Some(100_000_000),
        _ => None,
    }
}

/// A count written as money gets its own message; anything else is "not a number".
fn unknown_tail(s: &str, ctx: &Ctx) -> QuantityError {
    if ctx.kind == Kind::Count && s.starts_with('元') {
        let message = format!("\"{}\" is an amount of money, not a count", ctx.raw.trim());
        let hint = format!("use an amount field for money; {}", ctx.kind.example());
        return ctx.error_hint(message, hint);
    }
    ctx.not_a_number()
}

/// `number * multiplier` as f64, exact whenever the result is an integer
/// (or otherwise the correctly rounded quotient of two integers).
fn scale_value(number: Decimal, multiplier: u128, ctx: &Ctx) -> Result<f64, QuantityError> {
    let numerator = number
        .mantissa
        .checked_mul(multiplier)
        .ok_or_else(|| too_many_digits(ctx))?;
    let denominator = 10u128
        .checked_pow(number.scale)
        .ok_or_else(|| too_many_digits(ctx))?;
    if numerator % denominator == 0 {
        Ok((numerator / denominator) as f64)
    } else {
        Ok(numerator as f64 / denominator as f64)
    }
}

/// YAML numbers become their decimal text; strings pass through.
fn yaml_text(v: &Value, kind: Kind) -> Result<String, QuantityError> {
    let ctx = Ctx { raw: "", kind };
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => yaml_number_text(n, kind),
        Value::Tagged(t) => yaml_text(&t.value, kind),
        Value::Null => Err(ctx.error(format!(
            "{} is required but the value is empty",
            kind.noun()
        ))),
        Value::Bool(b) => Err(ctx.error(format!("\"{b}\" is not {}", kind.noun()))),
        Value::Sequence(_) => Err(ctx.error(format!("a list is not {}", kind.noun()))),
        Value::Mapping(_) => Err(ctx.error(format!("a mapping is not {}", kind.noun()))),
    }
}

/// `8000` -> "8000", `2.5` -> "2.5", `1.5e8` -> "150000000"; negative or
/// non-finite numbers yield text that parsing then rejects with a clear message.
fn yaml_number_text(n: &serde_yaml::Number, kind: Kind) -> Result<String, QuantityError> {
    if let Some(u) = n.as_u64() {
        return Ok(u.to_string());
    }
    if let Some(i) = n.as_i64() {
        return Ok(i.to_string());
    }
    match n.as_f64() {
        Some(f) if f.is_finite() => Ok(f.to_string()),
        _ => {
            let ctx = Ctx { raw: "", kind };
            Err(ctx.error(format!("\"{n}\" is not {}", kind.noun())))
        }
    }
}

// ---------------------------------------------------------------- display

fn is_english(lang: &str) -> bool {
    lang.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("en"))
}

/// At most two decimals, trailing zeros trimmed: 6.50 -> "6.5", 1500.00 -> "1500".
fn decimal_text(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// `8000`, `2.2万`, `1500万`, `1.5亿`: picks 万 from 1万 up and 亿 from 1亿 up,
/// moving up a tier when rounding reaches 10000 of the lower one.
fn chinese_number(x: f64) -> String {
    const TIERS: [(f64, &str); 3] = [(1.0, ""), (1e4, "万"), (1e8, "亿")];
    let mut tier = TIERS
        .iter()
        .rposition(|&(unit, _)| x.abs() >= unit)
        .unwrap_or(0);
    while tier + 1 < TIERS.len() && round2(x / TIERS[tier].0).abs() >= 1e4 {
        tier += 1;
    }
    let (unit, word) = TIERS[tier];
    format!("{}{word}", decimal_text(x / unit))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// "1130000" -> "1,130,000"; keeps sign and decimals; non-digits untouched.
fn group_thousands(s: &str) -> String {
    let (sign, unsigned) = s.strip_prefix('-').map_or(("", s), |u| ("-", u));
    let (int, frac) = unsigned
        .split_once('.')
        .map_or((unsigned, None), |(i, f)| (i, Some(f)));
    if !int.chars().all(|c| c.is_ascii_digit()) {
        return s.to_string();
    }
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(s: &str) -> (f64, bool) {
        let c = Count::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e} ({})", e.hint));
        (c.value, c.approx())
    }

    fn amount(s: &str) -> (f64, bool) {
        let a = Amount::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e} ({})", e.hint));
        (a.yuan, a.approx())
    }

    fn count_err(s: &str) -> QuantityError {
        match Count::parse(s) {
            Ok(c) => panic!("{s:?} should be an error, got {c:?}"),
            Err(e) => e,
        }
    }

    fn amount_err(s: &str) -> QuantityError {
        match Amount::parse(s) {
            Ok(a) => panic!("{s:?} should be an error, got {a:?}"),
            Err(e) => e,
        }
    }

    const COUNT_HINT: &str = "write a number such as 8000, 8000余, 2.2万 or 近10万";
    const AMOUNT_HINT: &str = "write an amount such as 65000元, 120万元 or 1.5亿元";

    // ------------------------------------------------------------ counts

    #[test]
    fn plain_numbers() {
        assert_eq!(count("120"), (120.0, false));
        assert_eq!(count("8000"), (8000.0, false));
        assert_eq!(count("2.5"), (2.5, false));
        assert_eq!(count("0"), (0.0, false));
        assert_eq!(count("8000.00"), (8000.0, false));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(count("8,000"), (8000.0, false));
        assert_eq!(count("8，000"), (8000.0, false));
        assert_eq!(count("1,234,567"), (1_234_567.0, false));
        assert_eq!(count("1,234.5"), (1234.5, false));
    }

    #[test]
    fn full_width_forms() {
        assert_eq!(count("８０００"), (8000.0, false));
        assert_eq!(count("８，０００"), (8000.0, false));
        assert_eq!(count("２．２万"), (22_000.0, false));
        assert_eq!(count("　８０００余　"), (8000.0, true));
    }

    #[test]
    fn multipliers() {
        assert_eq!(count("2.2万"), (22_000.0, false));
        assert_eq!(count("113万"), (1_130_000.0, false));
        assert_eq!(count("1.5亿"), (150_000_000.0, false));
        assert_eq!(count("3千"), (3000.0, false));
        assert_eq!(count("5百"), (500.0, false));
        assert_eq!(count("2百万"), (2_000_000.0, false));
        assert_eq!(count("3千万"), (30_000_000.0, false));
    }

    #[test]
    fn leading_chinese_forms() {
        assert_eq!(count("千余"), (1000.0, true));
        assert_eq!(count("百余"), (100.0, true));
        assert_eq!(count("十余"), (10.0, true));
        assert_eq!(count("万余"), (10_000.0, true));
        assert_eq!(count("千余人"), (1000.0, true));
        assert_eq!(count("百多名"), (100.0, true));
    }

    #[test]
    fn leading_multiplier_without_marker_is_rejected() {
        assert_eq!(count_err("千").message, "\"千\" is not a number");
        assert_eq!(count_err("千人").message, "\"千人\" is not a number");
        assert_eq!(count_err("三千").message, "\"三千\" is not a number");
    }

    #[test]
    fn vague_forms_are_rejected() {
        for s in ["数百", "数千人", "几十", "十几", "20几", "上千", "成千上万"] {
            let e = count_err(s);
            assert_eq!(e.message, format!("\"{s}\" is too vague to be a number"));
            assert!(e.hint.contains("copy the figure the report gives"), "{s}");
            assert!(e.hint.contains(COUNT_HINT), "{s}");
        }
    }

    #[test]
    fn markers_say_more_than_or_about() {
        use Precision::*;
        for (text, p) in [
            ("8000", Exact),
            ("8000余", AtLeast),
            ("200多人", AtLeast),
            ("超10万", AtLeast),
            ("超过3000", AtLeast),
            ("逾100万", AtLeast),
            ("1000以上", AtLeast),
            ("十余", AtLeast),
            ("约8000", About),
            ("近10万", About),
            ("8000左右", About),
            ("不足100", About),
            ("约8000余", About),
        ] {
            assert_eq!(Count::parse(text).map(|c| c.precision), Ok(p), "{text}");
        }
        assert_eq!(Amount::parse("1500余万元").unwrap().precision, AtLeast);
        assert_eq!(Amount::parse("约120万元").unwrap().precision, About);
    }

    #[test]
    fn approximate_prefixes() {
        assert_eq!(count("近10万"), (100_000.0, true));
        assert_eq!(count("约113万"), (1_130_000.0, true));
        assert_eq!(count("超50"), (50.0, true));
        assert_eq!(count("逾200"), (200.0, true));
        assert_eq!(count("超过300"), (300.0, true));
        assert_eq!(count("将近500"), (500.0, true));
        assert_eq!(count("大约60"), (60.0, true));
        assert_eq!(count("接近70"), (70.0, true));
        assert_eq!(count("不足80"), (80.0, true));
        assert_eq!(count("约 90"), (90.0, true));
    }

    #[test]
    fn approximate_suffixes_and_infixes() {
        assert_eq!(count("8000余"), (8000.0, true));
        assert_eq!(count("1500余万"), (15_000_000.0, true));
        assert_eq!(count("2万余"), (20_000.0, true));
        assert_eq!(count("120左右"), (120.0, true));
        assert_eq!(count("20多"), (20.0, true));
        assert_eq!(count("300以上"), (300.0, true));
        assert_eq!(count("50上下"), (50.0, true));
    }

    #[test]
    fn unit_words_are_stripped_but_kept_in_text() {
        for (s, v) in [
            ("8000余人次", 8000.0),
            ("120人", 120.0),
            ("35户", 35.0),
            ("6个", 6.0),
            ("10名", 10.0),
            ("7家", 7.0),
            ("12次", 12.0),
            ("4场", 4.0),
            ("36小时", 36.0),
            ("2.2万人", 22_000.0),
        ] {
            let c = Count::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(c.value, v, "{s}");
            assert_eq!(c.text, s);
        }
        assert_eq!(count("20多人"), (20.0, true));
        assert_eq!(count("800人左右"), (800.0, true));
        assert_eq!(count("1500余万人次"), (15_000_000.0, true));
        assert_eq!(count("8000 人"), (8000.0, false));
    }

    #[test]
    fn text_is_trimmed_original() {
        let c = Count::parse("  ８０００余人 ").unwrap();
        assert_eq!(c.text, "８０００余人");
        assert_eq!(c.value, 8000.0);
        assert!(c.approx());
    }

    #[test]
    fn not_a_number_errors_quote_the_value() {
        let e = count_err("很多");
        assert_eq!(e.message, "\"很多\" is not a number");
        assert_eq!(e.to_string(), "\"很多\" is not a number");
        assert_eq!(e.hint, COUNT_HINT);
        for s in [
            "万",
            "余",
            "近",
            "abc",
            "1e5",
            "+5",
            "120人人",
            "2万3千",
            "8000 200",
            "１２３ａ",
        ] {
            assert_eq!(
                count_err(s).message,
                format!("\"{s}\" is not a number"),
                "{s}"
            );
        }
    }

    #[test]
    fn malformed_digits_are_errors() {
        for s in [
            "1..2万", ".5", "5.", "80,00", "8,0000", "8000,", ",800", "1.2.3", "1.5,0",
        ] {
            let e = count_err(s);
            assert_eq!(e.message, format!("\"{s}\" is not a number"), "{s}");
        }
    }

    #[test]
    fn empty_is_an_error() {
        for s in ["", "   ", "\u{3000}"] {
            let e = count_err(s);
            assert_eq!(e.message, "a number is required but the value is empty");
            assert_eq!(e.hint, COUNT_HINT);
        }
    }

    #[test]
    fn negative_is_an_error() {
        for s in ["-5", "－5", "−5", "负5", "约-5"] {
            let e = count_err(s);
            assert_eq!(e.message, format!("\"{s}\" is negative"), "{s}");
            assert!(e.hint.starts_with("counts cannot be negative"));
        }
    }

    #[test]
    fn percentage_is_an_error() {
        for s in ["50%", "50％", "约50%", "百分之五十", "5‰"] {
            let e = count_err(s);
            assert_eq!(e.message, format!("\"{s}\" is a percentage, not a number"));
            assert!(e.hint.contains(COUNT_HINT));
        }
    }

    #[test]
    fn range_is_an_error_with_a_hint_to_pick_one() {
        let e = count_err("100-200");
        assert_eq!(e.message, "\"100-200\" is a range, not a number");
        assert!(
            e.hint.starts_with("pick one number, e.g. 100余"),
            "{}",
            e.hint
        );
        for s in [
            "100~200",
            "100～200",
            "100至200",
            "100到200",
            "100—200",
            "100万-200万",
            "约100-200人",
        ] {
            assert!(count_err(s).message.contains("is a range"), "{s}");
        }
        // the suggested value itself parses
        let e = count_err("100万-200万");
        assert!(e.hint.contains("100万余"), "{}", e.hint);
        assert_eq!(count("100万余"), (1_000_000.0, true));
    }

    #[test]
    fn money_in_a_count_is_explained() {
        let e = count_err("120万元");
        assert_eq!(e.message, "\"120万元\" is an amount of money, not a count");
    }

    #[test]
    fn too_many_digits_is_an_error() {
        let long = "9".repeat(60);
        assert_eq!(
            count_err(&long).message,
            format!("\"{long}\" has too many digits")
        );
        let tiny = format!("0.{}1", "0".repeat(50));
        assert!(count_err(&tiny).message.contains("too many digits"));
        let big = format!("{}亿", "9".repeat(35));
        assert!(count_err(&big).message.contains("too many digits"));
    }

    // ------------------------------------------------------------ amounts

    #[test]
    fn amounts_in_report_style() {
        assert_eq!(amount("120万元"), (1_200_000.0, false));
        assert_eq!(amount("1500余万元"), (15_000_000.0, true));
        assert_eq!(amount("1.5亿元"), (150_000_000.0, false));
        assert_eq!(amount("65000元"), (65_000.0, false));
        assert_eq!(amount("35.5万元"), (355_000.0, false));
        assert_eq!(amount("3千元"), (3000.0, false));
        assert_eq!(amount("12.35亿元"), (1_235_000_000.0, false));
        assert_eq!(amount("65,000元"), (65_000.0, false));
    }

    #[test]
    fn amounts_without_yuan() {
        assert_eq!(amount("1900万"), (19_000_000.0, false));
        assert_eq!(amount("800"), (800.0, false));
        assert_eq!(amount("1.5亿"), (150_000_000.0, false));
        assert_eq!(amount("99.5"), (99.5, false));
    }

    #[test]
    fn approximate_amounts() {
        assert_eq!(amount("约1.5亿元"), (150_000_000.0, true));
        assert_eq!(amount("近2000万元"), (20_000_000.0, true));
        assert_eq!(amount("超过100万元"), (1_000_000.0, true));
        assert_eq!(amount("20多万元"), (200_000.0, true));
        assert_eq!(amount("千余万元"), (10_000_000.0, true));
        assert_eq!(amount("50万元左右"), (500_000.0, true));
        assert_eq!(amount("1亿元以上"), (100_000_000.0, true));
    }

    #[test]
    fn full_width_amounts() {
        assert_eq!(amount("３５．５万元"), (355_000.0, false));
        assert_eq!(amount("６５，０００元"), (65_000.0, false));
        let a = Amount::parse("３５．５万元").unwrap();
        assert_eq!(a.text, "３５．５万元");
    }

    #[test]
    fn decimal_arithmetic_is_exact() {
        assert_eq!(amount("1.1亿").0, 110_000_000.0);
        assert_eq!(amount("1.1亿元").0, 110_000_000.0);
        assert_eq!(amount("35.5万").0, 355_000.0);
        assert_eq!(amount("0.1万").0, 1000.0);
        assert_eq!(amount("0.3万").0, 3000.0);
        assert_eq!(amount("1.15万").0, 11_500.0);
        assert_eq!(amount("2.675亿").0, 267_500_000.0);
        assert_eq!(amount("0.07亿").0, 7_000_000.0);
        assert_eq!(count("1.005万").0, 10_050.0);
        assert_eq!(amount("0.1").0, 0.1);
        assert_eq!(amount("1.10").0, 1.1);
    }

    #[test]
    fn amount_errors_use_the_amount_hint() {
        let e = amount_err("很多");
        assert_eq!(e.message, "\"很多\" is not an amount");
        assert_eq!(e.hint, AMOUNT_HINT);
        assert_eq!(amount_err("120人").message, "\"120人\" is not an amount");
        assert_eq!(
            amount_err("120美元").message,
            "\"120美元\" is not an amount"
        );
        assert_eq!(amount_err("元").message, "\"元\" is not an amount");
        assert_eq!(amount_err("万元").message, "\"万元\" is not an amount");
        assert_eq!(
            amount_err("120元元").message,
            "\"120元元\" is not an amount"
        );
        assert_eq!(amount_err("-100元").message, "\"-100元\" is negative");
        assert!(amount_err("-100元")
            .hint
            .starts_with("amounts cannot be negative"));
        assert_eq!(
            amount_err("50%").message,
            "\"50%\" is a percentage, not an amount"
        );
        assert_eq!(
            amount_err("数百万元").message,
            "\"数百万元\" is too vague to be an amount"
        );
        let e = amount_err("100-200万元");
        assert_eq!(e.message, "\"100-200万元\" is a range, not an amount");
        assert!(e.hint.contains(AMOUNT_HINT));
        assert_eq!(
            amount_err("").message,
            "an amount is required but the value is empty"
        );
    }

    // ------------------------------------------------------------ yaml

    fn yaml(s: &str) -> Value {
        serde_yaml::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn from_yaml_numbers_and_strings() {
        let c = Count::from_yaml(&yaml("8000")).unwrap();
        assert_eq!(
            (c.text.as_str(), c.value, c.approx()),
            ("8000", 8000.0, false)
        );
        let c = Count::from_yaml(&yaml("2.5")).unwrap();
        assert_eq!((c.text.as_str(), c.value), ("2.5", 2.5));
        let c = Count::from_yaml(&yaml("8000余")).unwrap();
        assert_eq!(
            (c.text.as_str(), c.value, c.approx()),
            ("8000余", 8000.0, true)
        );
        let a = Amount::from_yaml(&yaml("\"1500万元\"")).unwrap();
        assert_eq!((a.text.as_str(), a.yuan), ("1500万元", 15_000_000.0));
        let a = Amount::from_yaml(&yaml("65000")).unwrap();
        assert_eq!((a.text.as_str(), a.yuan), ("65000", 65_000.0));
        let a = Amount::from_yaml(&yaml("1.5e8")).unwrap();
        assert_eq!((a.text.as_str(), a.yuan), ("150000000", 150_000_000.0));
        let a = Amount::from_yaml(&yaml("!money 120万元")).unwrap();
        assert_eq!(a.yuan, 1_200_000.0);
    }

    #[test]
    fn from_yaml_errors() {
        assert_eq!(
            Count::from_yaml(&yaml("-3")).unwrap_err().message,
            "\"-3\" is negative"
        );
        assert_eq!(
            Amount::from_yaml(&yaml("-2.5")).unwrap_err().message,
            "\"-2.5\" is negative"
        );
        let e = Count::from_yaml(&yaml("~")).unwrap_err();
        assert_eq!(e.message, "a number is required but the value is empty");
        assert_eq!(
            Count::from_yaml(&yaml("true")).unwrap_err().message,
            "\"true\" is not a number"
        );
        assert_eq!(
            Count::from_yaml(&yaml("[1, 2]")).unwrap_err().message,
            "a list is not a number"
        );
        assert_eq!(
            Amount::from_yaml(&yaml("{a: 1}")).unwrap_err().message,
            "a mapping is not an amount"
        );
        assert!(Count::from_yaml(&yaml(".nan")).is_err());
        assert!(Count::from_yaml(&yaml(".inf")).is_err());
        assert_eq!(
            Count::from_yaml(&yaml("很多")).unwrap_err().hint,
            COUNT_HINT
        );
        assert_eq!(
            Amount::from_yaml(&yaml("true")).unwrap_err().hint,
            AMOUNT_HINT
        );
    }

    // ------------------------------------------------------------ display

    #[test]
    fn format_yuan_chinese() {
        assert_eq!(format_yuan(800.0, false, "zh-CN"), "800元");
        assert_eq!(format_yuan(65_000.0, false, "zh-CN"), "6.5万元");
        assert_eq!(format_yuan(15_000_000.0, false, "zh-CN"), "1500万元");
        assert_eq!(format_yuan(150_000_000.0, false, "zh-CN"), "1.5亿元");
        assert_eq!(format_yuan(1_235_000_000.0, false, "zh-CN"), "12.35亿元");
        assert_eq!(format_yuan(15_000_000.0, true, "zh-CN"), "约1500万元");
        assert_eq!(format_yuan(10_000.0, false, "zh"), "1万元");
        assert_eq!(format_yuan(9_999.0, false, "zh"), "9999元");
        assert_eq!(format_yuan(800.5, false, "zh"), "800.5元");
        assert_eq!(format_yuan(12_345.0, false, "zh"), "1.23万元");
        assert_eq!(format_yuan(0.0, false, "zh"), "0元");
    }

    #[test]
    fn format_rounding_moves_up_a_tier() {
        assert_eq!(format_yuan(9_999.999, false, "zh"), "1万元");
        assert_eq!(format_yuan(99_999_999.0, false, "zh"), "1亿元");
        assert_eq!(format_count(99_999_999.0, false, "zh"), "1亿");
    }

    #[test]
    fn format_yuan_english() {
        assert_eq!(format_yuan(15_000_000.0, false, "en"), "¥15,000,000");
        assert_eq!(format_yuan(15_000_000.0, true, "en"), "about ¥15,000,000");
        assert_eq!(format_yuan(800.0, false, "en-US"), "¥800");
        assert_eq!(format_yuan(1234.5, false, "EN"), "¥1,234.5");
        assert_eq!(format_yuan(-800.0, false, "en"), "-¥800");
    }

    #[test]
    fn format_count_chinese() {
        assert_eq!(format_count(8000.0, true, "zh-CN"), "8000余");
        assert_eq!(format_count(8000.0, false, "zh-CN"), "8000");
        assert_eq!(format_count(22_000.0, false, "zh-CN"), "2.2万");
        assert_eq!(format_count(1_130_000.0, false, "zh-CN"), "113万");
        assert_eq!(format_count(150_000_000.0, false, "zh-CN"), "1.5亿");
        assert_eq!(format_count(2.5, false, "zh-CN"), "2.5");
        assert_eq!(format_count(10_000.0, false, "zh-TW"), "1万");
    }

    #[test]
    fn format_count_english() {
        assert_eq!(format_count(8000.0, false, "en"), "8,000");
        assert_eq!(format_count(22_000.0, false, "en"), "22,000");
        assert_eq!(format_count(1_130_000.0, false, "en"), "1,130,000");
        assert_eq!(format_count(8000.0, true, "en"), "about 8,000");
        assert_eq!(format_count(120.0, false, "en"), "120");
        assert_eq!(format_count(2.5, false, "en"), "2.5");
    }

    #[test]
    fn format_then_parse_round_trips() {
        let values = [
            0.0,
            5.0,
            800.0,
            9999.0,
            10_000.0,
            65_000.0,
            355_000.0,
            1_130_000.0,
        ];
        let more = [15_000_000.0, 110_000_000.0, 150_000_000.0, 1_235_000_000.0];
        for v in values.into_iter().chain(more) {
            for approx in [false, true] {
                let a = Amount::parse(&format_yuan(v, approx, "zh-CN")).unwrap();
                assert_eq!((a.yuan, a.approx()), (v, approx), "yuan {v}");
                let c = Count::parse(&format_count(v, approx, "zh-CN")).unwrap();
                assert_eq!((c.value, c.approx()), (v, approx), "count {v}");
                let c = Count::parse(&format_count(v, false, "en")).unwrap();
                assert_eq!(c.value, v, "en count {v}");
            }
        }
    }

    #[test]
    fn parse_then_format_keeps_report_style() {
        for s in ["800元", "6.5万元", "1500万元", "1.5亿元", "12.35亿元"] {
            let a = Amount::parse(s).unwrap();
            assert_eq!(format_yuan(a.yuan, a.approx(), "zh-CN"), s);
        }
        for s in ["8000", "8000余", "2.2万", "113万", "1.5亿"] {
            let c = Count::parse(s).unwrap();
            assert_eq!(format_count(c.value, c.approx(), "zh-CN"), s);
        }
    }

    // ------------------------------------------------------------ robustness

    #[test]
    fn odd_inputs_never_panic() {
        let long_digits = "1".repeat(10_000);
        let long_grouped = format!("1{}", ",000".repeat(5_000));
        let odd = [
            "",
            " ",
            "万",
            "余",
            "亿元",
            "1..2万",
            "１２３",
            "😀",
            "8000😀",
            "😀8000",
            "\u{0}",
            "\u{FFFF}",
            "\u{FF5F}",
            "\u{FF00}",
            "-",
            "—",
            "至",
            "1-",
            "-1-",
            "约",
            "超过",
            "近近10",
            "1,",
            ",",
            ".",
            "..",
            "0.",
            "00",
            "0000.0000",
            "万万",
            "千万",
            "百余万",
            "千余余",
            "1百千",
            "1万亿",
            "1亿万",
            "元1",
            "1元万",
            "%",
            "数",
            "几",
            "１２３４５６７８９０１２３４５６７８９０１２３４５６７８９０１２３４５６７８９０",
            long_digits.as_str(),
            long_grouped.as_str(),
            "NaN",
            "inf",
            "1e999",
        ];
        for s in odd {
            let _ = Count::parse(s);
            let _ = Amount::parse(s);
            let _ = Count::from_yaml(&Value::String(s.to_string()));
            let _ = Amount::from_yaml(&Value::String(s.to_string()));
        }
        for v in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1.0,
            -12_345.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            1e300,
        ] {
            for lang in ["zh-CN", "en", "", "e", "中文"] {
                let _ = format_yuan(v, true, lang);
                let _ = format_count(v, false, lang);
            }
        }
        let _ = Count::from_yaml(&yaml("1e300"));
        let _ = Amount::from_yaml(&yaml("-0.0"));
    }

    #[test]
    fn errors_always_quote_and_hint() {
        for s in ["很多", "50%", "100-200", "-1", "数百", "1..2万", "1元"] {
            let e = count_err(s);
            assert!(
                e.message.contains(&format!("\"{s}\"")),
                "{s}: {}",
                e.message
            );
            assert!(e.hint.contains(COUNT_HINT), "{s}: {}", e.hint);
        }
    }
}
