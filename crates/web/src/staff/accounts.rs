//! Staff accounts for admins: who has which roles, and what an admin may do about an account
//! within where they hold ([`koers_store::access::manages`]): disable or enable it, end its
//! sessions, give it a new password (a temporary one, shown once to the admin), reset its second
//! factor, take a role away. The same store functions as `koers user ...`, audited with the
//! admin as actor; an account out of the admin's reach is a 404 like an unknown id.

use super::{parse_id, render, see_other, Form};
use crate::page_error::{respond_staff, staff_message, Audience, PageError, PageResult};
use crate::session;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::access::{self, Access};
use koers_store::lifecycle::Actor;
use koers_store::sessions::SessionRow;
use koers_store::staff::{self, RoleRow, StaffAccount};
use koers_store::{staff_lifecycle, StoreError};
use koers_texts::t;
use serde_json::{json, Value};

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/staff/accounts", web::get().to(list))
        .route("/staff/accounts/{id}", web::get().to(detail))
        .route("/staff/accounts/{id}/{action}", web::post().to(act));
}

/// An admin on these pages, with what they may do.
struct Admin {
    session: SessionRow,
    account: StaffAccount,
    access: Access,
}

async fn admin(state: &AppState, req: &HttpRequest) -> Result<Admin, PageError> {
    let signed = super::staff_session(state, req, access::access_of).await?;
    let (session, account, access) = (signed.session, signed.account, signed.loaded);
    if !access.admin && !access.roles.iter().any(|r| r.role == staff::StaffRole::Admin) {
        let lang = koers_texts::lang_of(&account.locale);
        return Err(staff_message(
            state,
            StatusCode::FORBIDDEN,
            lang,
            &t(lang, "staff-admins-only-heading", &[]),
            &t(lang, "accounts-admins-only-text", &[]),
        )
        .into());
    }
    Ok(Admin { session, account, access })
}

impl Admin {
    fn lang(&self) -> &'static str {
        koers_texts::lang_of(&self.account.locale)
    }
}

/// An account with its roles and access, if this admin may manage it.
struct Managed {
    account: StaffAccount,
    roles: Vec<RoleRow>,
    two_factor: bool,
    sessions: i64,
}

fn managed(
    c: &mut koers_store::DbConnection,
    me: &Access,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Managed>, StoreError> {
    let Some(account) = staff::account(c, id)? else { return Ok(None) };
    // Access as the roles give it, also for a disabled account (which `access_of` empties).
    let roles = staff::roles_of(c, id)?;
    let target = Access { staff_id: id, admin: account.is_admin, roles: access::access_of_roles(c, &roles)? };
    if !access::manages(me, &target, account.is_admin) {
        return Ok(None);
    }
    let sessions = staff_lifecycle::live_sessions(c, id, now)?;
    Ok(Some(Managed { two_factor: account.totp_confirmed_at.is_some(), account, roles, sessions }))
}

/// "coördinator in studie, organisatie roc-noord, team Noord (mag exporteren)".
fn role_text(lang: &str, r: &RoleRow) -> String {
    let role = match staff::StaffRole::parse(&r.role) {
        Some(staff::StaffRole::Coordinator) => t(lang, "staff-role-coordinator", &[]),
        Some(staff::StaffRole::Researcher) => t(lang, "staff-role-researcher", &[]),
        Some(staff::StaffRole::Admin) => t(lang, "staff-role-admin", &[]),
        None => r.role.clone(),
    };
    let mut parts = vec![t(lang, "accounts-role-in", &[("role", role), ("study", r.study_key.clone())])];
    if let Some(o) = &r.organisation_key {
        parts.push(t(lang, "accounts-role-organisation", &[("organisation", o.clone())]));
    }
    if let Some(team) = &r.team_name {
        parts.push(t(lang, "accounts-role-team", &[("team", team.clone())]));
    }
    let mut s = parts.join(", ");
    if access::can_export(&r.permissions) {
        s.push_str(&format!(" ({})", t(lang, "accounts-role-exports", &[])));
    }
    s
}

fn base(a: &Admin, title: &str) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("lang".into(), json!(a.lang()));
    m.insert("title".into(), json!(title));
    m.insert("staff_name".into(), json!(a.account.display_name));
    m.insert("csrf".into(), json!(a.session.csrf_token));
    m.insert("researcher_only".into(), json!(false));
    m.insert("nav_audit".into(), json!(true));
    m
}

async fn list(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    respond_staff(&state, &req, list_page(&state, &req).await)
}

async fn list_page(state: &AppState, req: &HttpRequest) -> PageResult {
    let a = admin(state, req).await?;
    let me = a.access.clone();
    let now = state.real_clock.now();
    let db = state.db.clone();
    let found = web::block(move || {
        db.read(|c| -> Result<Vec<Managed>, StoreError> {
            let mut out = Vec::new();
            for acc in staff::list_accounts(c)? {
                if let Some(m) = managed(c, &me, acc.account.id, now)? {
                    out.push(m);
                }
            }
            Ok(out)
        })
    })
    .await;
    let Ok(Ok(accounts)) = found else { return Err(PageError::Unavailable(Audience::Staff)) };
    let rows: Vec<Value> = accounts
        .iter()
        .map(|m| {
            json!({
                "href": format!("/staff/accounts/{}", m.account.id),
                "name": m.account.display_name,
                "email": m.account.email,
                "roles": m.roles.iter().map(|r| role_text(a.lang(), r)).collect::<Vec<_>>(),
                "disabled": m.account.disabled_at.is_some(),
                "two_factor": m.two_factor,
            })
        })
        .collect();
    let mut data = base(&a, &t(a.lang(), "accounts-title", &[]));
    data.insert("accounts".into(), json!(rows));
    data.insert("detail".into(), json!(false));
    Ok(render(state, StatusCode::OK, "staff_accounts", &Value::Object(data)))
}

async fn detail(state: web::Data<AppState>, req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    respond_staff(&state, &req, detail_page(&state, &req, &path, None).await)
}

async fn detail_page(state: &AppState, req: &HttpRequest, raw: &str, done: Option<String>) -> PageResult {
    let a = admin(state, req).await?;
    let Some(id) = parse_id(raw) else { return Err(PageError::NotFound(Audience::Staff)) };
    let me = a.access.clone();
    let now = state.real_clock.now();
    let db = state.db.clone();
    let found = web::block(move || db.read(|c| managed(c, &me, id, now))).await;
    let m = match found {
        Ok(Ok(Some(m))) => m,
        Ok(Ok(None)) => return Err(PageError::NotFound(Audience::Staff)),
        _ => return Err(PageError::Unavailable(Audience::Staff)),
    };
    let mut data = base(&a, &t(a.lang(), "accounts-account", &[]));
    data.insert("detail".into(), json!(true));
    data.insert(
        "account".into(),
        json!({
            "action": format!("/staff/accounts/{}", m.account.id),
            "name": m.account.display_name,
            "email": m.account.email,
            "disabled": m.account.disabled_at.is_some(),
            "two_factor": m.two_factor,
            "sessions": m.sessions,
            "roles": m.roles.iter().map(|r| json!({"id": r.id, "text": role_text(a.lang(), r)})).collect::<Vec<_>>(),
        }),
    );
    data.insert("done".into(), json!(done));
    Ok(render(state, StatusCode::OK, "staff_accounts", &Value::Object(data)))
}

/// A temporary password for an admin to pass on: 128 random bits, like a personal link.
fn temporary_password() -> String {
    koers_store::tokens::new_token().plain
}

async fn act(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    form: Form,
) -> HttpResponse {
    let (raw, action) = path.into_inner();
    respond_staff(&state, &req, act_inner(&state, &req, &raw, &action, &form).await)
}

async fn act_inner(
    state: &AppState,
    req: &HttpRequest,
    raw: &str,
    action: &str,
    form: &[(String, String)],
) -> PageResult {
    let a = admin(state, req).await?;
    if !session::csrf_ok(&a.session, form) {
        return Err(PageError::CsrfRefused(Audience::Staff));
    }
    let Some(id) = parse_id(raw) else { return Err(PageError::NotFound(Audience::Staff)) };
    let role_id = super::field(form, "role_id").parse::<i64>().ok();
    let password = (action == "password").then(temporary_password);
    let (me, admin_id, now) = (a.access.clone(), a.account.id, state.real_clock.now());
    let action_owned = action.to_string();
    let pw = password.clone();
    let db = state.db.clone();
    // Done: Some; not this admin's account or no such action: None.
    let outcome = web::block(move || {
        db.write(|c| -> Result<Option<()>, StoreError> {
            if managed(c, &me, id, now)?.is_none() {
                return Ok(None);
            }
            let name = format!("staff:{admin_id}");
            let actor = Actor { name: &name, staff_id: Some(admin_id) };
            match action_owned.as_str() {
                "disable" => {
                    staff_lifecycle::disable(c, id, actor, now)?;
                }
                "enable" => {
                    staff_lifecycle::enable(c, id, actor, now)?;
                }
                "sessions" => {
                    staff_lifecycle::revoke_sessions(c, id, actor, now)?;
                }
                "totp" => staff_lifecycle::reset_totp(c, id, actor, now)?,
                "password" => {
                    staff_lifecycle::reset_password(c, id, pw.as_deref().unwrap_or_default(), actor, now)?;
                }
                "role" => {
                    let Some(role_id) = role_id else { return Ok(None) };
                    staff_lifecycle::remove_role(c, id, role_id, actor, now)?;
                }
                _ => return Ok(None),
            }
            Ok(Some(()))
        })
    })
    .await;
    match outcome {
        // The temporary password is shown on this page only, never in an address.
        Ok(Ok(Some(()))) => match password {
            Some(pw) => {
                let said = t(a.lang(), "accounts-password-done", &[("password", pw)]);
                detail_page(state, req, raw, Some(said)).await
            }
            None => Ok(see_other(&format!("/staff/accounts/{id}"))),
        },
        Ok(Ok(None)) => Err(PageError::NotFound(Audience::Staff)),
        Ok(Err(StoreError::Invalid(_))) => Err(PageError::NotFound(Audience::Staff)),
        _ => Err(PageError::Unavailable(Audience::Staff)),
    }
}
