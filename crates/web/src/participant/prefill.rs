//! A mentor's diary filled in faster: last week's actions copied in with one tap, more action
//! blocks on a page without scripts, and a word about the diary just saved when the next one
//! opens. The rules are in [`koers_core::mentor_week`].

use super::draft::answers_only;
use super::questionnaire::answerable;
use super::{db, see_other, Me, Page};
use crate::page_error::{respond, Audience, PageError};
use crate::questionnaire_page::CopyOffer;
use crate::session::csrf_ok;
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_core::mentor_week::{can_copy, copied_actions, with_copied, PreviousAnswer};
use koers_core::questionnaire::Questionnaire;
use koers_store::answers::StoredAnswer;
use koers_store::participation as part;

/// The "more" button's field on a page without scripts: `ITEM:BLOCKS`.
pub(super) const MORE: &str = "__more";

/// `?na=ID` on a diary: the one saved just before it.
#[derive(serde::Deserialize)]
pub(super) struct After {
    pub na: Option<i64>,
    /// `?stap=N`: the step to show on a page without scripts.
    pub stap: Option<usize>,
}

/// The step button's field on a page without scripts: the step to go to.
pub(super) const STEP: &str = "__step";

/// A step button pressed on a page without scripts: the answers so far are kept as the
/// draft, and the page opens again at that step.
pub(super) async fn to_step(
    state: &AppState,
    me: &Me,
    response_id: i64,
    fields: &[(String, String)],
    step: &str,
) -> Page {
    let step: usize = step.parse().unwrap_or(1).clamp(1, 100);
    let kept: Vec<(String, String)> = answers_only(fields).into_iter().filter(|(k, _)| k != STEP).collect();
    let now = me.now;
    db(state, true, move |c| koers_store::drafts::save(c, response_id, &kept, now)).await?;
    Ok(see_other(&format!("/p/r/{response_id}?stap={step}#q-step-{step}")))
}

/// "Same as last week" for this page, if last week's diary has actions to copy.
pub(super) fn copy_offer(
    q: &Questionnaire,
    previous: &[StoredAnswer],
    response_id: i64,
    lang: &str,
) -> Option<CopyOffer> {
    if !can_copy(q) {
        return None;
    }
    let previous: Vec<PreviousAnswer> = previous
        .iter()
        .map(|a| PreviousAnswer { key: a.item.clone(), kind: a.kind.clone(), text: a.text.clone(), number: a.number })
        .collect();
    let fields = copied_actions(q, &previous);
    (!fields.is_empty()).then(|| CopyOffer {
        action: format!("/p/r/{response_id}/vorige-week"),
        label: if lang == "en" {
            "Same as last week, with changes"
        } else {
            "Zelfde als vorige week, met aanpassingen"
        }
        .into(),
        fields,
    })
}

/// `POST /p/r/{id}/vorige-week` (pages without scripts): last week's actions go into the
/// draft, and the diary opens again with them filled in, ready to change.
pub(super) async fn copy_last_week(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    respond(&state, copy_inner(&state, &req, id.into_inner(), form.into_inner()).await)
}

async fn copy_inner(state: &AppState, req: &HttpRequest, response_id: i64, fields: Vec<(String, String)>) -> Page {
    let (me, o) = answerable(state, req, response_id).await?;
    if !csrf_ok(&me.session, &fields) {
        return Err(PageError::CsrfRefused(Audience::Participant(me.lang)));
    }
    if let Some(copy) = o.input.copy {
        let kept = with_copied(&o.questionnaire, &o.input.kept, copy.fields);
        let now = me.now;
        db(state, true, move |c| koers_store::drafts::save(c, response_id, &kept, now)).await?;
    }
    Ok(see_other(&format!("/p/r/{response_id}")))
}

/// "More" pressed on a page without scripts: what was typed is kept as the draft, with how
/// many blocks to show, and the page opens again at the new block.
pub(super) async fn more_blocks(
    state: &AppState,
    me: &Me,
    response_id: i64,
    fields: &[(String, String)],
    more: &str,
) -> Page {
    let (item, blocks) = more.split_once(':').unwrap_or((more, "0"));
    let blocks: usize = blocks.parse().unwrap_or(0).min(50);
    let item: String = item.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(100).collect();
    let mut kept: Vec<(String, String)> = answers_only(fields).into_iter().filter(|(k, _)| k != MORE).collect();
    kept.push((format!("__shown_{item}"), blocks.to_string()));
    let now = me.now;
    db(state, true, move |c| koers_store::drafts::save(c, response_id, &kept, now)).await?;
    Ok(see_other(&format!("/p/r/{response_id}#x-{item}-{blocks}")))
}

/// "Saved: your diary about Sanne" at the top of the next diary, so the mentor knows the last
/// one went in without a page in between.
pub(super) async fn saved_notice(state: &AppState, me: &Me, previous: i64) -> Result<Option<String>, PageError> {
    let person = me.person.id;
    let name = db(state, false, move |c| {
        let Some(r) = part::response_of(c, person, previous)? else { return Ok(None) };
        let (Some(_), Some(student)) = (r.completed_at, r.about_student) else { return Ok(None) };
        Ok(part::names(c, &[student])?.get(&student).map(|n| n.first_name.clone()))
    })
    .await?;
    Ok(name.map(|n| {
        if me.lang == "en" {
            format!("Saved: your diary about {n}. Thank you! Here is the next one.")
        } else {
            format!("Opgeslagen: je dagboek over {n}. Dank je wel! Hier is de volgende.")
        }
    }))
}
