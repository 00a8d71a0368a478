//! Questionnaire texts made safe: the format's HTML allow list, and a bounded memory of
//! cleaned texts (sanitising was most of a page view's time).

use std::collections::HashMap;

/// The allow list of the questionnaire format, built once.
pub(super) fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    SANITIZER.get_or_init(allow_list)
}

fn allow_list() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::empty();
    b.add_tags([
        "p", "strong", "em", "b", "i", "u", "br", "ul", "ol", "li", "h1", "h2", "h3", "h4", "a", "img", "span",
        "small", "sup", "sub",
    ])
    .add_tag_attributes("a", ["href"])
    .add_tag_attributes("img", ["src", "alt"])
    .add_tag_attributes("span", ["class"])
    .link_rel(Some("noopener noreferrer"))
    .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect());
    b
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Cleaned {
    Html,
    Plain,
    Title,
}

/// A memory of rendered text, emptied when what it holds passes its limit: pages come from a
/// handful of questionnaires, so it stays warm, and it never grows without bound.
pub(super) struct Bounded<K, V> {
    map: HashMap<K, V>,
    used: usize,
    limit: usize,
}

impl<K: std::hash::Hash + Eq, V: Clone> Bounded<K, V> {
    pub(super) fn new(limit: usize) -> Self {
        Bounded { map: HashMap::new(), used: 0, limit }
    }

    pub(super) fn get(&self, key: &K) -> Option<V> {
        self.map.get(key).cloned()
    }

    /// Keeps `value`, counting `cost` against the limit.
    pub(super) fn put(&mut self, key: K, value: V, cost: usize) {
        if self.used + cost > self.limit {
            self.map.clear();
            self.used = 0;
        }
        self.used += cost;
        self.map.insert(key, value);
    }
}

/// Sanitising parses every text as HTML, which was most of the time a questionnaire page took
/// to render; the same texts (with the same names filled in) come back on every view, so their
/// clean forms are remembered, up to 20,000 of them.
pub(super) fn remembered(kind: Cleaned, input: String, clean: impl FnOnce(&str) -> String) -> String {
    use std::sync::{Mutex, OnceLock};
    static MEMORY: OnceLock<Mutex<Bounded<(Cleaned, String), String>>> = OnceLock::new();
    let memory = MEMORY.get_or_init(|| Mutex::new(Bounded::new(20_000)));
    let key = (kind, input);
    if let Some(found) = memory.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return found;
    }
    let out = clean(&key.1);
    memory.lock().unwrap_or_else(|e| e.into_inner()).put(key, out.clone(), 1);
    out
}

pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}
