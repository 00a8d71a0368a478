//! How far along a questionnaire without steps the person is: "Deze vragenlijst heeft 8
//! vragen." at the top, "3 van de 8 vragen beantwoord" once answers are on the page. The page's
//! script keeps the same line up to date as answers change (a questionnaire with steps says
//! "Stap 2 van 4" instead).

use super::ctx::Ctx;
use super::Placed;
use koers_core::questionnaire::model::{Item, ItemType};
use serde_json::{json, Value};

/// Whether an item is a question the person answers (and so counts towards progress).
pub(super) fn counts(item: &Item) -> bool {
    !matches!(
        item.kind,
        ItemType::Raw
            | ItemType::PageBreak
            | ItemType::NextQuestionnaireNotice
            | ItemType::Unsubscribe
            | ItemType::Drawing
            | ItemType::Gentle
    )
}

/// Whether the answers sent back (a rejected submission, a kept draft) answer this question.
fn answered(c: &Ctx<'_>, p: &Placed<'_>) -> bool {
    let key = p.key.as_str();
    let suffix = p.student.as_ref().map_or("", |(_, s)| s.as_str());
    let item = p.item;
    match item.kind {
        ItemType::Range => c.kept_has(&format!("{key}__touched"), "1"),
        ItemType::Table => item.rows.iter().any(|r| !c.kept_one(&format!("{}{suffix}", r.id)).is_empty()),
        ItemType::Time | ItemType::DateAndTime => {
            let hours = item.time.hours_id.clone().unwrap_or_else(|| format!("{key}__h"));
            !c.kept_one(key).is_empty() || !c.kept_one(&hours).is_empty()
        }
        ItemType::Expandable => item.content.iter().any(|inner| {
            let start = format!("{}{suffix}__", inner.id.as_deref().unwrap_or(""));
            c.kept_filled(|k| k.starts_with(&start) && !k.ends_with("__touched"))
        }),
        _ => !c.kept_one(key).is_empty() || !c.kept_one(&format!("{key}__other")).is_empty(),
    }
}

/// The progress line of a page without steps, or `false` on a page with steps or with fewer
/// than two questions (nothing to be far along in).
pub(super) fn shown(c: &Ctx<'_>, placed: &[Placed<'_>]) -> Value {
    let questions: Vec<&Placed<'_>> = placed.iter().filter(|p| counts(p.item)).collect();
    let count = questions.len();
    if c.step_count > 1 || count < 2 {
        return json!(false);
    }
    let done = questions.iter().filter(|p| answered(c, p)).count();
    let input = c.input;
    let progress = |done: String, count: String| {
        koers_texts::t_in(&input.lang, input.register, "q-progress", &[("done", done), ("count", count)])
    };
    let text = if done == 0 {
        koers_texts::t_in(&input.lang, input.register, "q-count", &[("count", count.to_string())])
    } else {
        progress(done.to_string(), count.to_string())
    };
    json!({
        "count": count,
        "done": done,
        "text": text,
        // What the script writes as answers change, with "{done}" and "{count}" filled in.
        "live": progress("{done}".into(), "{count}".into()),
    })
}
