//! Setting a person aside from the analysis, for the research team (researchers and admins: the
//! roles that read responses). The researcher knows people only by the pseudonym in the exports,
//! so the page takes a pseudonym and a reason, lists who is excluded now and lets them be
//! included again. Only the people of the teams where the account's research roles hold can be
//! named; anyone else gets the same answer as a pseudonym nobody has. Every change goes through
//! [`koers_store::exclusion::set_excluded`], which writes the audit entry.

use super::{field, render, see_other, Form};
use crate::page_error::{respond_staff, staff_message, Audience, PageError, PageResult};
use crate::session;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::access::{self, Access, Scope, Teams};
use koers_store::exclusion::{self, MAX_REASON};
use koers_store::sessions::SessionRow;
use koers_store::staff::StaffAccount;
use koers_store::studies::{list_studies, Study};
use koers_store::{DbConnection, StoreError};
use koers_texts::t;
use serde_json::{json, Map, Value};

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/staff/exclusions", web::get().to(page)).route("/staff/exclusions", web::post().to(change));
}

/// The longest study key or pseudonym read from a request.
const MAX_KEY_CHARS: usize = 64;

/// A study whose responses the account reads (so it may exclude people there and see its report),
/// with the teams where it may (`None`: all).
pub(super) struct Reachable {
    pub(super) study: Study,
    pub(super) teams: Option<Vec<i64>>,
}

/// A signed-in staff member with what their roles give.
pub(super) struct Researcher {
    session: SessionRow,
    pub(super) account: StaffAccount,
    pub(super) access: Access,
    test_studies: Vec<String>,
}

impl Researcher {
    /// The language of their pages: Dutch unless their account says English.
    pub(super) fn lang(&self) -> &'static str {
        koers_texts::lang_of(&self.account.locale)
    }
}

pub(super) async fn researcher(state: &AppState, req: &HttpRequest) -> Result<Researcher, PageError> {
    let signed = super::staff_session(state, req, access::access_of).await?;
    Ok(Researcher {
        session: signed.session,
        account: signed.account,
        access: signed.loaded,
        test_studies: signed.test_studies,
    })
}

/// The studies where the account's roles read responses, oldest first.
pub(super) fn reachable(c: &mut DbConnection, access: &Access) -> Result<Vec<Reachable>, StoreError> {
    Ok(list_studies(c)?
        .into_iter()
        .filter_map(|study| match access.teams_for(study.id, Scope::ResponsesRead)? {
            Teams::All => Some(Reachable { study, teams: None }),
            Teams::Only(t) => Some(Reachable { study, teams: Some(t) }),
        })
        .collect())
}

async fn read<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, PageError> {
    let db = state.db.clone();
    match web::block(move || db.read(f)).await {
        Ok(Ok(v)) => Ok(v),
        _ => Err(PageError::Unavailable(Audience::Staff)),
    }
}

/// The key of the pseudonyms; `None` when the installation has no usable secret.
fn pseudonym_key(state: &AppState) -> Option<Vec<u8>> {
    state.settings.installation_secret().map(|s| koers_export::pseudonym_key(s.as_bytes()))
}

/// What was typed and what is wrong with it, to show the form again.
#[derive(Default)]
struct Typed {
    person: String,
    reason: String,
    errors: Map<String, Value>,
}

async fn page(state: web::Data<AppState>, req: HttpRequest, query: web::Query<Vec<(String, String)>>) -> HttpResponse {
    // The catalogue key of what was just done.
    let ok = match field(&query, "ok") {
        "exclude" => Some("excl-done-exclude"),
        "include" => Some("excl-done-include"),
        _ => None,
    };
    let study = field(&query, "study").to_string();
    respond_staff(&state, &req, show(&state, &req, &study, ok, Typed::default(), StatusCode::OK).await)
}

async fn show(
    state: &AppState,
    req: &HttpRequest,
    study_key: &str,
    ok: Option<&str>,
    typed: Typed,
    status: StatusCode,
) -> PageResult {
    let r = researcher(state, req).await?;
    if study_key.chars().count() > MAX_KEY_CHARS {
        return Err(PageError::NotFound(Audience::Staff));
    }
    let key = pseudonym_key(state).ok_or(PageError::Unavailable(Audience::Staff))?;
    let access = r.access.clone();
    let wanted = study_key.to_string();
    let (studies, chosen, excluded) = read(state, move |c| {
        let studies = reachable(c, &access)?;
        let chosen = match chosen_study(&studies, &wanted) {
            Some(i) => i,
            None => return Ok((studies, None, Vec::new())),
        };
        let s = &studies[chosen];
        let excluded = exclusion::excluded_in(c, s.study.id, s.teams.as_deref())?;
        Ok((studies, Some(chosen), excluded))
    })
    .await?;
    let lang = r.lang();
    let Some(chosen) = chosen else {
        if studies.is_empty() {
            return Ok(staff_message(
                state,
                StatusCode::FORBIDDEN,
                lang,
                &t(lang, "staff-researchers-only-heading", &[]),
                &t(lang, "excl-researchers-only-text", &[]),
            ));
        }
        return Err(PageError::NotFound(Audience::Staff));
    };
    let mut m = Map::new();
    m.insert("lang".into(), json!(lang));
    m.insert("title".into(), json!(t(lang, "excl-title", &[])));
    m.insert("staff_name".into(), json!(r.account.display_name));
    m.insert("csrf".into(), json!(r.session.csrf_token));
    m.insert("test_studies".into(), json!(r.test_studies));
    // The menu leaves out the people pages for an account that may see no one (a researcher).
    let sees_people = r.access.admin || r.access.roles.iter().any(|role| role.scopes.has(Scope::PeopleRead));
    m.insert("researcher_only".into(), json!(!sees_people));
    m.insert("nav_audit".into(), json!(r.access.admin));
    m.insert("ok".into(), json!(ok.map(|key| t(lang, key, &[]))));
    m.insert("study".into(), json!(studies[chosen].study.key));
    if studies.len() > 1 {
        let list: Vec<Value> = studies
            .iter()
            .enumerate()
            .map(|(i, s)| json!({"key": s.study.key, "name": s.study.name, "current": i == chosen}))
            .collect();
        m.insert("studies".into(), json!(list));
    }
    let rows: Vec<Value> = excluded
        .iter()
        .map(|e| {
            json!({
                "pseudonym": koers_export::pseudonym(&key, e.person_id),
                "role": match koers_core::people::Role::parse(&e.role) {
                    Some(role) => super::role_word(lang, role),
                    None => e.role.clone(),
                },
                "reason": e.reason,
            })
        })
        .collect();
    m.insert("excluded".into(), json!(rows));
    m.insert("typed".into(), json!({"person": typed.person, "reason": typed.reason}));
    let mut errors = Map::new();
    for f in ["person", "reason"] {
        errors.insert(f.into(), typed.errors.get(f).cloned().unwrap_or(Value::Null));
    }
    m.insert("errors".into(), Value::Object(errors));
    m.insert("general".into(), json!(Vec::<String>::new()));
    Ok(render(state, status, "staff_exclusion", &Value::Object(m)))
}

/// The study asked for (when given and reachable), else the first reachable one.
pub(super) fn chosen_study(studies: &[Reachable], key: &str) -> Option<usize> {
    if key.is_empty() {
        return (!studies.is_empty()).then_some(0);
    }
    studies.iter().position(|s| s.study.key == key)
}

async fn change(state: web::Data<AppState>, req: HttpRequest, form: Form) -> HttpResponse {
    respond_staff(&state, &req, change_inner(&state, &req, &form).await)
}

async fn change_inner(state: &AppState, req: &HttpRequest, form: &[(String, String)]) -> PageResult {
    let r = researcher(state, req).await?;
    if !session::csrf_ok(&r.session, form) {
        return Err(PageError::CsrfRefused(Audience::Staff));
    }
    let study_key = field(form, "study").to_string();
    let person = field(form, "person").trim().to_string();
    let include = field(form, "action") == "include";
    let reason = field(form, "reason").trim().to_string();
    if study_key.chars().count() > MAX_KEY_CHARS {
        return Err(PageError::NotFound(Audience::Staff));
    }
    let mut typed =
        Typed { person: person.chars().take(MAX_KEY_CHARS).collect(), reason: reason.clone(), ..Default::default() };
    if !include && (reason.is_empty() || reason.chars().count() > MAX_REASON || reason.chars().any(char::is_control)) {
        typed
            .errors
            .insert("reason".into(), json!(t(r.lang(), "excl-reason-problem", &[("max", MAX_REASON.to_string())])));
    }
    let key = pseudonym_key(state).ok_or(PageError::Unavailable(Audience::Staff))?;
    let (access, staff_id, now) = (r.access.clone(), r.account.id, state.real_clock.now());
    let wanted = person.clone();
    let valid = typed.errors.is_empty();
    let db = state.db.clone();
    // Found and changed: Some(true); the pseudonym names nobody this account may reach: Some(false);
    // the study is out of reach: None.
    let done = web::block(move || {
        db.write(|c| -> Result<Option<bool>, StoreError> {
            let studies = reachable(c, &access)?;
            let Some(s) = studies.iter().find(|s| s.study.key == study_key) else { return Ok(None) };
            let found = if wanted.chars().count() > MAX_KEY_CHARS {
                None
            } else {
                exclusion::people_in(c, s.study.id, s.teams.as_deref())?
                    .into_iter()
                    .find(|id| koers_export::pseudonym(&key, *id) == wanted)
            };
            let Some(id) = found else { return Ok(Some(false)) };
            if !valid {
                return Ok(Some(true));
            }
            let actor = format!("staff:{staff_id}");
            let reason = (!include).then_some(reason.as_str());
            exclusion::set_excluded(c, s.study.id, id, reason, &actor, Some(staff_id), now)?;
            Ok(Some(true))
        })
    })
    .await;
    let study_key = field(form, "study");
    match done {
        Ok(Ok(None)) => Err(PageError::NotFound(Audience::Staff)),
        Ok(Ok(Some(found))) => {
            if !found {
                typed.errors.insert("person".into(), json!(t(r.lang(), "excl-person-unknown", &[])));
            }
            if !typed.errors.is_empty() {
                return show(state, req, study_key, None, typed, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
            let ok = if include { "include" } else { "exclude" };
            Ok(see_other(&format!("/staff/exclusions?study={}&ok={ok}", super::encode(study_key))))
        }
        _ => Err(PageError::Unavailable(Audience::Staff)),
    }
}
