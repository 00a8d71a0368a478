//! Staff accounts for admins: who has which roles, and what an admin may do about an account
//! within where they hold ([`koers_store::access::manages`]): disable or enable it, end its
//! sessions, give it a new password (a temporary one, shown once to the admin), reset its second
//! factor, take a role away. The same store functions as `koers user ...`, audited with the
//! admin as actor; an account out of the admin's reach is a 404 like an unknown id.

use super::{parse_id, render, see_other, Form};
use crate::page_error::{respond_staff, Audience, PageError, PageResult};
use crate::pages::message;
use crate::session;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use koers_store::access::{self, Access};
use koers_store::lifecycle::Actor;
use koers_store::sessions::SessionRow;
use koers_store::staff::{self, RoleRow, StaffAccount};
use koers_store::{staff_lifecycle, StoreError};
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
        return Err(message(
            state,
            StatusCode::FORBIDDEN,
            "nl",
            "Alleen voor beheerders",
            &["Accounts beheren kan alleen een beheerder van het onderzoek."],
        )
        .into());
    }
    Ok(Admin { session, account, access })
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

fn role_text(r: &RoleRow) -> String {
    let mut s = format!("{} in {}", r.role, r.study_key);
    if let Some(o) = &r.organisation_key {
        s.push_str(&format!(", organisatie {o}"));
    }
    if let Some(t) = &r.team_name {
        s.push_str(&format!(", team {t}"));
    }
    if access::can_export(&r.permissions) {
        s.push_str(" (mag exporteren)");
    }
    s
}

fn base(a: &Admin, title: &str) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("lang".into(), json!("nl"));
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
                "roles": m.roles.iter().map(role_text).collect::<Vec<_>>(),
                "disabled": m.account.disabled_at.is_some(),
                "two_factor": m.two_factor,
            })
        })
        .collect();
    let mut data = base(&a, "Accounts");
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
    let mut data = base(&a, "Account");
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
            "roles": m.roles.iter().map(|r| json!({"id": r.id, "text": role_text(r)})).collect::<Vec<_>>(),
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
    let outcome = web::block(move || {
        db.write(|c| -> Result<Option<String>, StoreError> {
            if managed(c, &me, id, now)?.is_none() {
                return Ok(None);
            }
            let name = format!("staff:{admin_id}");
            let actor = Actor { name: &name, staff_id: Some(admin_id) };
            let said = match action_owned.as_str() {
                "disable" => {
                    let d = staff_lifecycle::disable(c, id, actor, now)?;
                    format!(
                        "Het account is uitgeschakeld: {} sessie(s) beëindigd, {} API-sleutel(s) ingetrokken.",
                        d.sessions_revoked, d.api_keys_revoked
                    )
                }
                "enable" => {
                    staff_lifecycle::enable(c, id, actor, now)?;
                    "Het account kan weer inloggen. Ingetrokken API-sleutels blijven ingetrokken.".into()
                }
                "sessions" => {
                    let n = staff_lifecycle::revoke_sessions(c, id, actor, now)?;
                    format!("{n} sessie(s) en alle API-tokens van dit account zijn beëindigd.")
                }
                "totp" => {
                    staff_lifecycle::reset_totp(c, id, actor, now)?;
                    "De tweede stap is verwijderd; bij de volgende keer inloggen stelt het account een nieuwe in."
                        .into()
                }
                "password" => {
                    let pw = pw.as_deref().unwrap_or_default();
                    staff_lifecycle::reset_password(c, id, pw, actor, now)?;
                    format!(
                        "Nieuw tijdelijk wachtwoord: {pw} . Geef het veilig door (niet per e-mail); het staat nergens \
                         anders en je ziet het maar één keer. Alle sessies van het account zijn beëindigd."
                    )
                }
                "role" => {
                    let Some(role_id) = role_id else { return Ok(None) };
                    staff_lifecycle::remove_role(c, id, role_id, actor, now)?;
                    "De rol is verwijderd; de sessies van het account zijn beëindigd.".into()
                }
                _ => return Ok(None),
            };
            Ok(Some(said))
        })
    })
    .await;
    match outcome {
        Ok(Ok(Some(said))) => match action {
            // The temporary password is shown on this page only, never in an address.
            "password" => detail_page(state, req, raw, Some(said)).await,
            _ => {
                let _ = said;
                Ok(see_other(&format!("/staff/accounts/{id}")))
            }
        },
        Ok(Ok(None)) => Err(PageError::NotFound(Audience::Staff)),
        Ok(Err(StoreError::Invalid(_))) => Err(PageError::NotFound(Audience::Staff)),
        _ => Err(PageError::Unavailable(Audience::Staff)),
    }
}
