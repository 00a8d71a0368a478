//! The rules of a mentor's week: which diary comes next, how last week's actions are copied
//! into this week's diary, and how many action blocks a page without scripts shows. Pure, so
//! the overview, the thank-you page and the diary page agree.

use crate::questionnaire::model::{Item, ItemType};
use crate::questionnaire::Questionnaire;

/// Where one student's diary stands this week, in the order the overview lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiaryStatus {
    pub student: i64,
    /// The open, unfinished diary about this student, if there is one.
    pub open_response: Option<i64>,
}

/// The diary to go to after the one about `just_done`: the first unfinished one after it in
/// the overview's order, wrapping round to the start, so that a mentor walks the list once.
/// `None` when every diary is done.
pub fn next_unfinished(rows: &[DiaryStatus], just_done: Option<i64>) -> Option<&DiaryStatus> {
    let start = just_done.and_then(|s| rows.iter().position(|r| r.student == s)).map_or(0, |at| at + 1);
    rows.iter().cycle().skip(start).take(rows.len()).find(|r| r.open_response.is_some() && Some(r.student) != just_done)
}

/// A stored answer as the store keeps it: its form key (`action_description__2`), its kind
/// and its text or number.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousAnswer {
    pub key: String,
    pub kind: String,
    pub text: Option<String>,
    pub number: Option<f64>,
}

/// The expandables ("action series") at the top of a questionnaire: the parts that are copied.
fn expandables(q: &Questionnaire) -> impl Iterator<Item = &Item> {
    q.questions.iter().filter(|i| i.kind == ItemType::Expandable)
}

/// Whether a questionnaire has anything last week's diary could be copied into.
pub fn can_copy(q: &Questionnaire) -> bool {
    expandables(q).next().is_some()
}

/// Last week's action series as this week's form fields, to change before sending: only
/// answers to items inside an expandable are copied (how this week went is asked afresh).
/// A slider is copied as touched; "not answered" is left out.
pub fn copied_actions(q: &Questionnaire, previous: &[PreviousAnswer]) -> Vec<(String, String)> {
    let inner: Vec<&Item> = expandables(q).flat_map(|e| e.content.iter()).collect();
    let mut out = Vec::new();
    for a in previous {
        // `ID__N`, or `ID__N__other` for an "other, namely" text.
        let (base, is_other) = match a.key.strip_suffix("__other") {
            Some(base) => (base, true),
            None => (a.key.as_str(), false),
        };
        let Some((id, n)) = base.rsplit_once("__") else { continue };
        if n.parse::<u32>().is_err() {
            continue;
        }
        let Some(item) = inner.iter().find(|i| i.id.as_deref() == Some(id)) else { continue };
        let key = format!("{id}__{n}");
        let field = if is_other { format!("{key}__other") } else { key.clone() };
        match (a.kind.as_str(), &a.text, a.number) {
            ("options", Some(json), _) => {
                let codes: Vec<String> = serde_json::from_str(json).unwrap_or_default();
                out.extend(codes.into_iter().map(|c| (field.clone(), c)));
            }
            ("number", _, Some(x)) => {
                out.push((field.clone(), number_field(x)));
                if item.kind == ItemType::Range {
                    out.push((format!("{key}__touched"), "1".into()));
                }
            }
            ("not_answered", _, _) => {}
            (_, Some(t), _) => out.push((field, t.clone())),
            _ => {}
        }
    }
    out
}

/// Whether a form field belongs to a block of an expandable (`ID__N`, `ID__N__other`, ...).
fn in_expansion(q: &Questionnaire, key: &str) -> bool {
    expandables(q).flat_map(|e| e.content.iter()).filter_map(|i| i.id.as_deref()).any(|id| {
        key.strip_prefix(id)
            .and_then(|rest| rest.strip_prefix("__"))
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// The draft with last week's actions in place of its own action blocks: what was typed
/// elsewhere on the page stays.
pub fn with_copied(
    q: &Questionnaire,
    draft: &[(String, String)],
    copied: Vec<(String, String)>,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        draft.iter().filter(|(k, _)| !k.starts_with("__shown_") && !in_expansion(q, k)).cloned().collect();
    out.extend(copied);
    out
}

/// A number as a form sends it: `60`, `1.5`.
fn number_field(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// How many action blocks a page without scripts shows: at least two (most weeks have one or
/// two actions), every block already filled in, and as many as the person asked for with
/// "more"; never more than the item allows.
pub fn shown_without_script(default: usize, max: usize, highest_filled: usize, asked: usize) -> usize {
    default.max(2).max(highest_filled).max(asked).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(student: i64, open: Option<i64>) -> DiaryStatus {
        DiaryStatus { student, open_response: open }
    }

    #[test]
    fn next_is_the_first_unfinished_after_the_one_just_done_wrapping_round() {
        let rows = vec![row(1, Some(11)), row(2, None), row(3, Some(13)), row(4, Some(14))];
        assert_eq!(next_unfinished(&rows, Some(3)).map(|r| r.student), Some(4));
        assert_eq!(next_unfinished(&rows, Some(4)).map(|r| r.student), Some(1), "wraps round");
        assert_eq!(next_unfinished(&rows, Some(1)).map(|r| r.student), Some(3), "skips a done diary");
        assert_eq!(next_unfinished(&rows, None).map(|r| r.student), Some(1));
        // The one just sent may still look open to a stale read: it is never "next".
        assert_eq!(next_unfinished(&[row(1, Some(11))], Some(1)), None);
        assert_eq!(next_unfinished(&[row(1, None), row(2, None)], Some(1)), None, "all done");
        assert_eq!(next_unfinished(&[], None), None);
    }

    #[test]
    fn without_scripts_two_blocks_show_and_more_on_request() {
        assert_eq!(shown_without_script(1, 4, 0, 0), 2);
        assert_eq!(shown_without_script(1, 4, 3, 0), 3, "a filled block stays visible");
        assert_eq!(shown_without_script(1, 4, 0, 3), 3);
        assert_eq!(shown_without_script(1, 4, 0, 9), 4, "never more than the item allows");
        assert_eq!(shown_without_script(1, 1, 0, 0), 1);
    }

    #[test]
    fn last_weeks_actions_become_form_fields_and_the_rest_is_asked_afresh() {
        let (q, _) = crate::questionnaire::parse_questionnaire(
            "key: d\nquestions:\n  - id: contact\n    type: radio\n    title: C\n    options: [{title: Ja, value: 'yes'}]\n  - id: actions\n    type: expandable\n    title: A\n    max_expansions: 4\n    content:\n      - {id: desc, type: textarea, title: D}\n      - {id: kinds, type: checkbox, title: K, show_otherwise: true, options: [{title: X, value: x}, {title: Y, value: y}]}\n      - {id: happy, type: range, title: H}\n",
            Some("t"),
        )
        .unwrap();
        assert!(can_copy(&q));
        let a = |key: &str, kind: &str, text: Option<&str>, number: Option<f64>| PreviousAnswer {
            key: key.into(),
            kind: kind.into(),
            text: text.map(Into::into),
            number,
        };
        let previous = vec![
            a("contact", "option", Some("yes"), None),
            a("desc__1", "text", Some("Gebeld"), None),
            a("kinds__1", "options", Some(r#"["x","__other"]"#), None),
            a("kinds__1__other", "text", Some("Huisbezoek"), None),
            a("happy__1", "number", None, Some(60.0)),
            a("desc__2", "not_answered", None, None),
        ];
        let fields = copied_actions(&q, &previous);
        let draft = vec![
            ("contact".to_string(), "yes".to_string()),
            ("desc__1".into(), "weg".into()),
            ("desc__10".into(), "weg".into()),
        ];
        let merged = with_copied(&q, &draft, fields.clone());
        assert_eq!(merged[0], ("contact".to_string(), "yes".to_string()), "the rest of the page stays");
        assert_eq!(merged.len(), 1 + fields.len(), "this week's own blocks give way to last week's");
        let f = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(
            fields,
            vec![
                f("desc__1", "Gebeld"),
                f("kinds__1", "x"),
                f("kinds__1", "__other"),
                f("kinds__1__other", "Huisbezoek"),
                f("happy__1", "60"),
                f("happy__1__touched", "1"),
            ]
        );
    }
}
