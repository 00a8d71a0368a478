//! The study report as one self-contained HTML page: each figure an inline SVG with its numbers
//! in a table beneath, so it prints, reads without JavaScript and can be checked by hand. Its
//! words come from the catalogue (`report-*` in staff_pages.ftl), in the reader's language;
//! statistical codes (n, ci_low, q25, ...) stay as the exports name them.

use crate::report::ReportData;
use koers_core::stats::Share;
use koers_texts::t;
use std::collections::BTreeMap;
use std::fmt::Write;

const W: f64 = 560.0;
const H: f64 = 220.0;
const PAD: f64 = 40.0;
const COLOURS: [&str; 6] = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn num(v: f64) -> String {
    format!("{v:.2}")
}

/// A point: x, y and an optional error bar.
type Point = (i64, f64, Option<(f64, f64)>);
/// One line (with optional error bars) per series over integer x values.
type Series = (String, Vec<Point>);
/// Values by their key's first part, then its second, as (week, value) lists.
type Nested<'a, V> = BTreeMap<&'a str, BTreeMap<&'a str, Vec<(i64, V)>>>;

/// A line chart; `fixed` pins the y axis (rates from 0 to 1), else it spans the values.
fn chart(title: &str, series: &[Series], y_label: &str, fixed: Option<(f64, f64)>) -> String {
    let points: Vec<&Point> = series.iter().flat_map(|s| s.1.iter()).collect();
    if points.is_empty() {
        return String::new();
    }
    let (x0, x1) = (points.iter().map(|p| p.0).min().unwrap_or(0), points.iter().map(|p| p.0).max().unwrap_or(1));
    let ys = points.iter().flat_map(|p| [p.1, p.2.map_or(p.1, |c| c.0), p.2.map_or(p.1, |c| c.1)]);
    let (mut y0, mut y1) = fixed.unwrap_or_else(|| ys.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y))));
    if (y1 - y0).abs() < 1e-9 {
        y0 -= 1.0;
        y1 += 1.0;
    }
    let sx = |x: i64| PAD + (x - x0) as f64 / ((x1 - x0).max(1)) as f64 * (W - 2.0 * PAD);
    let sy = |y: f64| H - PAD + (y0 - y) / (y1 - y0) * (H - 2.0 * PAD);
    let mut s = format!(
        "<figure><figcaption>{}</figcaption><svg viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"{}\">",
        esc(title),
        esc(title)
    );
    let _ = write!(
        s,
        "<line x1=\"{PAD}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#999\"/><line x1=\"{PAD}\" y1=\"{PAD}\" x2=\"{PAD}\" y2=\"{b}\" stroke=\"#999\"/>\
<text x=\"4\" y=\"{t}\" font-size=\"10\">{}</text><text x=\"4\" y=\"{b}\" font-size=\"10\">{}</text><text x=\"{PAD}\" y=\"{l}\" font-size=\"10\">{x0}</text><text x=\"{r}\" y=\"{l}\" font-size=\"10\">{x1}</text><text x=\"{m}\" y=\"14\" font-size=\"10\">{}</text>",
        num(y1),
        num(y0),
        esc(y_label),
        b = H - PAD,
        r = W - PAD,
        t = PAD,
        l = H - PAD + 14.0,
        m = W / 2.0
    );
    for (i, (name, pts)) in series.iter().enumerate() {
        let c = COLOURS[i % COLOURS.len()];
        let path: Vec<String> = pts.iter().map(|p| format!("{:.1},{:.1}", sx(p.0), sy(p.1))).collect();
        let _ = write!(s, "<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" points=\"{}\"/>", path.join(" "));
        for p in pts {
            if let Some((lo, hi)) = p.2 {
                let _ = write!(
                    s,
                    "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"{c}\" opacity=\"0.5\"/>",
                    sy(lo),
                    sy(hi),
                    x = sx(p.0)
                );
            }
        }
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{c}\">{}</text>",
            W - PAD - 120.0,
            PAD + 12.0 * i as f64,
            esc(name)
        );
    }
    s.push_str("</svg></figure>\n");
    s
}

fn table(head: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut s = String::from("<table><thead><tr>");
    for h in head {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s.push_str("</tr></thead><tbody>");
    for r in rows {
        s.push_str("<tr>");
        for c in r {
            let _ = write!(s, "<td>{}</td>", esc(&c));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>\n");
    s
}

fn by_first<V: Clone>(m: &BTreeMap<(String, String, i64), V>) -> Nested<'_, V> {
    let mut out: Nested<'_, V> = BTreeMap::new();
    for ((a, b, w), v) in m {
        out.entry(a.as_str()).or_default().entry(b.as_str()).or_default().push((*w, v.clone()));
    }
    out
}

/// The whole page, in `lang` (`nl` or `en`).
pub fn html(study: &str, d: &ReportData, lang: &str) -> String {
    let lang = koers_texts::lang_of(lang);
    let tr = |key: &str| t(lang, key, &[]);
    let study_arg = [("study", study.to_string())];
    let mut s = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{}</title>\
<style>body{{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}}table{{border-collapse:collapse;margin:.5rem 0 1.5rem}}\
td,th{{border:1px solid #ccc;padding:2px 6px;text-align:right}}figure{{margin:1rem 0}}</style></head><body>\
<h1>{}</h1><p>{}</p>\n",
        esc(&t(lang, "report-page-title", &study_arg)),
        esc(&t(lang, "report-heading", &study_arg)),
        esc(&tr("report-intro")),
    );
    let _ = writeln!(s, "<h2 id=\"response\">{}</h2>", esc(&tr("report-response-heading")));
    for (series, groups) in by_first(&d.curves) {
        let lines: Vec<Series> = groups
            .iter()
            .map(|(g, pts)| (g.to_string(), pts.iter().filter_map(|(w, r)| r.rate().map(|v| (*w, v, None))).collect()))
            .collect();
        let title = t(lang, "report-response-chart", &[("series", series.to_string())]);
        s.push_str(&chart(&title, &lines, &tr("report-share-completed"), Some((0.0, 1.0))));
        let rows = groups
            .iter()
            .flat_map(|(g, pts)| {
                pts.iter().map(move |(w, r)| {
                    vec![
                        g.to_string(),
                        w.to_string(),
                        r.opened.to_string(),
                        r.completed.to_string(),
                        r.rate().map_or(String::new(), num),
                    ]
                })
            })
            .collect();
        let head = [
            tr("report-col-group"),
            tr("report-col-week"),
            tr("report-col-opened"),
            tr("report-col-completed"),
            tr("report-col-rate"),
        ];
        s.push_str(&table(&head.each_ref().map(String::as_str), rows));
    }
    for (title, id, data, split) in [
        (tr("report-constructs-heading"), "constructs", &d.constructs, tr("report-col-group")),
        (tr("report-aligned-heading"), "aligned", &d.aligned, tr("report-col-who")),
    ] {
        let _ = writeln!(s, "<h2 id=\"{id}\">{}</h2>", esc(&title));
        for (construct, groups) in by_first(data) {
            let lines: Vec<Series> = groups
                .iter()
                .map(|(g, pts)| (g.to_string(), pts.iter().map(|(w, x)| (*w, x.mean, x.ci)).collect()))
                .collect();
            s.push_str(&chart(construct, &lines, &tr("report-mean-ci"), None));
            let rows = groups
                .iter()
                .flat_map(|(g, pts)| {
                    pts.iter().map(move |(w, x)| {
                        vec![
                            g.to_string(),
                            w.to_string(),
                            x.n.to_string(),
                            num(x.mean),
                            x.ci.map_or(String::new(), |c| num(c.0)),
                            x.ci.map_or(String::new(), |c| num(c.1)),
                            num(x.q25),
                            num(x.q75),
                        ]
                    })
                })
                .collect();
            let (week, mean) = (tr("report-col-week"), tr("report-col-mean"));
            s.push_str(&table(&[&split, &week, "n", &mean, "ci_low", "ci_high", "q25", "q75"], rows));
        }
    }
    let _ = writeln!(s, "<h2 id=\"shares\">{}</h2>", esc(&tr("report-shares-heading")));
    for ((item, group, outcome), shares) in &d.shares {
        let _ = write!(
            s,
            "<h3>{} ({}, {})</h3><svg viewBox=\"0 0 {W} {}\" width=\"{W}\">",
            esc(item),
            esc(group),
            esc(outcome),
            16 * shares.len() + 4
        );
        for (i, Share { category: c, share: v }) in shares.iter().enumerate() {
            let y = 16 * i;
            let _ = write!(
                s,
                "<rect x=\"200\" y=\"{y}\" width=\"{:.1}\" height=\"12\" fill=\"#1f77b4\"/><text x=\"0\" y=\"{}\" font-size=\"11\">{}</text>",
                v * (W - 210.0),
                y + 10,
                esc(c)
            );
        }
        s.push_str("</svg>\n");
        let head = [tr("report-col-option"), tr("report-col-share")];
        s.push_str(&table(
            &head.each_ref().map(String::as_str),
            shares.iter().map(|x| vec![x.category.clone(), num(x.share)]).collect(),
        ));
    }
    let _ = writeln!(s, "<h2 id=\"pairs\">{}</h2>", esc(&tr("report-pairs-heading")));
    let pairs = tr("report-col-pairs");
    s.push_str(&table(&["n", &pairs], d.joint_weeks.iter().map(|(n, p)| vec![n.to_string(), p.to_string()]).collect()));
    s.push_str("</body></html>\n");
    s
}
