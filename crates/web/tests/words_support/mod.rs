//! What the language walks share: a page's visible text and the listed words it holds.

/// The visible text of a page, lower-cased: tags dropped, entities read, and what is shown as
/// code (a file's or column's name, an audit action, a pseudonym: `<code>` or an option marked
/// `translate="no"`) left out: it is in no language.
pub fn text_of(html: &str) -> String {
    let mut html = html.to_string();
    for (open, close) in [("<code", "</code>"), ("<option translate=\"no\"", "</option>")] {
        while let Some(start) = html.find(open) {
            let Some(len) = html[start..].find(close) else { break };
            html.replace_range(start..start + len + close.len(), " ");
        }
    }
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#x27;", "'").replace("&quot;", "\"").replace("&amp;", "&").to_lowercase()
}

/// The words (or phrases) of `list` that stand whole in the page's visible text.
pub fn words_in(html: &str, list: &[&'static str]) -> Vec<&'static str> {
    let words: Vec<String> =
        text_of(html).split(|c: char| !c.is_alphanumeric() && c != '\'').map(str::to_string).collect();
    let joined = format!(" {} ", words.join(" "));
    list.iter().copied().filter(|w| joined.contains(&format!(" {w} "))).collect()
}
