//! The coordinator's pages: log in, find people, look one up, enrol, change a phone number, hand
//! a student over, end a student's participation, withdraw a person, and see who needs attention.
//!
//! Every page checks the staff session and resolves the account's [`Scope`] first; a person
//! outside it gets the very page an unknown id gets (404). Every POST carries the session's CSRF
//! token. The login form has no session yet, so it uses a double-submit token: GET sets a
//! short-lived random cookie (HttpOnly, SameSite=Strict, path /staff/login) and puts the same
//! value in a hidden field; POST accepts only when the two agree. Another site can neither read
//! nor set that cookie, so it cannot forge a login (login CSRF).

use crate::pages::message;
use crate::session::{self, CSRF_FIELD};
use crate::state::AppState;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::header::{self, ContentType};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use koers_core::people::{DropoutType, Role};
use koers_store::coordination::{
    self as co, CoordinationError, CoordinationResult, Ending, Enrolment, FieldProblem, PeopleFilter,
};
use koers_store::lifecycle::{OnWithdrawal, Withdrawal};
use koers_store::sessions::{SessionKind, SessionRow, Subject};
use koers_store::staff::{self, Scope, StaffAccount};
use koers_store::{audit, DbConnection, StoreError};
use serde_json::{json, Map, Value};

/// How long a staff session lasts.
const SESSION_HOURS: i64 = 8;
const LOGIN_COOKIE: &str = "koers_login";
const PER_PAGE: i64 = 25;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/staff/login", web::get().to(login_form))
        .route("/staff/login", web::post().to(login))
        .route("/staff/logout", web::post().to(logout))
        .route("/staff", web::get().to(list))
        .route("/staff/attention", web::get().to(attention))
        .route("/staff/people/new", web::get().to(enrol_form))
        .route("/staff/people/new", web::post().to(enrol))
        .route("/staff/people/{id}", web::get().to(detail))
        .route("/staff/people/{id}/phone", web::post().to(change_phone))
        .route("/staff/people/{id}/handover", web::post().to(handover))
        .route("/staff/people/{id}/end", web::post().to(end))
        .route("/staff/people/{id}/withdraw", web::post().to(withdraw));
}

type Form = web::Form<Vec<(String, String)>>;

fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to.to_string())).finish()
}

pub(crate) fn render(state: &AppState, status: StatusCode, template: &str, data: &Value) -> HttpResponse {
    match state.templates.render(template, data) {
        Ok(body) => HttpResponse::build(status)
            .content_type(ContentType::html())
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body),
        Err(e) => {
            tracing::error!(template, error = %e, "template failed");
            busy(state)
        }
    }
}

fn not_found(state: &AppState) -> HttpResponse {
    message(
        state,
        StatusCode::NOT_FOUND,
        "nl",
        "Deze pagina bestaat niet",
        &["Kijk of het adres klopt, of ga terug naar de lijst met mensen."],
    )
}

pub(crate) fn busy(state: &AppState) -> HttpResponse {
    message(
        state,
        StatusCode::SERVICE_UNAVAILABLE,
        "nl",
        "Even geduld",
        &["Het lukt nu even niet. Probeer het over een paar minuten opnieuw."],
    )
}

fn csrf_refused(state: &AppState) -> HttpResponse {
    message(
        state,
        StatusCode::FORBIDDEN,
        "nl",
        "Dit formulier is verlopen",
        &["Er is niets veranderd. Ga terug, laad de pagina opnieuw en probeer het nog een keer."],
    )
}

fn fail(state: &AppState, e: CoordinationError) -> HttpResponse {
    match e {
        CoordinationError::NotFound => not_found(state),
        CoordinationError::Problems(ps) => {
            let lines: Vec<&str> = ps.iter().map(|p| p.message.as_str()).collect();
            message(state, StatusCode::UNPROCESSABLE_ENTITY, "nl", "Dat lukte niet", &lines)
        }
        CoordinationError::Store(e) => {
            tracing::error!(error = %e, "staff page: storage failed");
            busy(state)
        }
    }
}

async fn write<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&mut DbConnection) -> CoordinationResult<T> + Send + 'static,
) -> CoordinationResult<T> {
    let db = state.db.clone();
    web::block(move || db.write(f)).await.map_err(|_| CoordinationError::Store(StoreError::Busy))?
}

async fn read<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&mut DbConnection) -> CoordinationResult<T> + Send + 'static,
) -> CoordinationResult<T> {
    let db = state.db.clone();
    web::block(move || db.read(f)).await.map_err(|_| CoordinationError::Store(StoreError::Busy))?
}

/// The logged-in staff member of a request.
struct Staff {
    session: SessionRow,
    account: StaffAccount,
    scope: Scope,
}

/// The staff session of a request and its account, if the account is still active, with what
/// `load` reads for it; or the response to give instead: the login page without a session or for
/// an account that is gone or disabled (whose session is then closed), a busy page when the store
/// cannot answer. The staff pages and the dashboard both start here.
pub(crate) async fn staff_session<T: Send + 'static>(
    state: &AppState,
    req: &HttpRequest,
    load: impl FnOnce(&mut DbConnection, i64) -> Result<T, StoreError> + Send + 'static,
) -> Result<(SessionRow, StaffAccount, T), HttpResponse> {
    let session = match session::current(state, req, SessionKind::Staff).await {
        Ok(Some(s)) => s,
        Ok(None) => return Err(see_other("/staff/login")),
        Err(_) => return Err(busy(state)),
    };
    let Subject::Staff(id) = session.subject else { return Err(see_other("/staff/login")) };
    let db = state.db.clone();
    let found = web::block(move || db.read(|c| Ok::<_, StoreError>((staff::account(c, id)?, load(c, id)?)))).await;
    match found {
        Ok(Ok((Some(account), loaded))) if account.disabled_at.is_none() => Ok((session, account, loaded)),
        Ok(Ok(_)) => {
            let _ = session::close(state, &session).await;
            Err(see_other("/staff/login"))
        }
        Ok(Err(_)) | Err(_) => Err(busy(state)),
    }
}

/// The staff member behind the request, or the response to give instead: see [`staff_session`],
/// and a friendly refusal for an account that may see nobody.
async fn staff(state: &AppState, req: &HttpRequest) -> Result<Staff, HttpResponse> {
    let (session, account, scope) = staff_session(state, req, staff::scope_of).await?;
    if scope.is_empty() {
        // Researchers see no people, only the figures: their pages start at the dashboard,
        // which says kindly when an account has no role at all.
        return Err(see_other("/staff/dashboard"));
    }
    Ok(Staff { session, account, scope })
}

/// What every staff page shows around its content.
fn base(s: &Staff, title: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("lang".into(), json!("nl"));
    m.insert("title".into(), json!(title));
    m.insert("staff_name".into(), json!(s.account.display_name));
    m.insert("csrf".into(), json!(s.session.csrf_token));
    m
}

fn role_word(r: Role) -> &'static str {
    match r {
        Role::Student => "student",
        Role::Mentor => "begeleider",
    }
}

fn state_word(s: &str) -> &str {
    match s {
        "active" => "loopt",
        "completed" => "afgerond",
        "stopped" => "gestopt",
        "cancelled" => "geannuleerd",
        other => other,
    }
}

fn reason_word(s: &str) -> String {
    match s {
        "handover" => "overgedragen".into(),
        "ended" => "deelname beëindigd".into(),
        "school_leaver" => "voortijdig schoolverlater".into(),
        "switcher" => "overstapper".into(),
        "other" => "anders".into(),
        "protocol_end" => "einde onderzoek".into(),
        "student_ended" => "student gestopt".into(),
        other => match other.split_once(": ") {
            Some((code, note)) if DropoutType::parse(code).is_some() => format!("{}: {note}", reason_word(code)),
            _ => other.to_string(),
        },
    }
}

fn nl_date(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

pub(crate) fn nl_instant(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).format("%d-%m-%Y %H:%M").to_string()
}

/// Percent-encodes a query value.
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn audit_staff(c: &mut DbConnection, staff_id: i64, action: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    audit::record(
        c,
        now,
        &audit::Entry {
            actor: &format!("staff:{staff_id}"),
            actor_staff_id: Some(staff_id),
            action,
            target_kind: Some("staff"),
            target_id: Some(staff_id),
            ..Default::default()
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Logging in and out

fn login_page(state: &AppState, status: StatusCode, email: &str, error: Option<&str>) -> HttpResponse {
    let (token, _) = koers_store::tokens::new_token();
    let cookie = Cookie::build(LOGIN_COOKIE, token.clone())
        .path("/staff/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.base_url.starts_with("https://"))
        .max_age(CookieDuration::minutes(30))
        .finish();
    let data = json!({"lang": "nl", "title": "Inloggen", "csrf": token, "email": email, "error": error});
    let mut r = render(state, status, "staff_login", &data);
    let _ = r.add_cookie(&cookie);
    r
}

async fn login_form(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    if let Ok(Some(_)) = session::current(&state, &req, SessionKind::Staff).await {
        return see_other("/staff");
    }
    login_page(&state, StatusCode::OK, "", None)
}

async fn login(state: web::Data<AppState>, req: HttpRequest, form: Form) -> HttpResponse {
    if !state.limits.login_allowed(&req) {
        return message(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            "nl",
            "Even wachten",
            &["Er is te vaak geprobeerd in te loggen. Wacht een minuut en probeer het dan opnieuw."],
        );
    }
    let sent = field(&form, CSRF_FIELD);
    let cookie = req.cookie(LOGIN_COOKIE).map(|c| c.value().to_string()).unwrap_or_default();
    let hash = koers_store::tokens::hash_token;
    if cookie.is_empty() || !koers_store::tokens::looks_like_token(sent) || hash(sent) != hash(&cookie) {
        return csrf_refused(&state);
    }
    let email = field(&form, "email").trim().to_string();
    let password = field(&form, "password").to_string();
    let now = state.clock.now();
    let typed = email.clone();
    let checked = write(&state, move |c| {
        let ok = staff::verify_login(c, &email, &password, now)?;
        if let Some(a) = &ok {
            audit_staff(c, a.id, "staff.login", now)?;
        }
        Ok(ok)
    })
    .await;
    match checked {
        Ok(Some(account)) => {
            let expires = now + TimeDelta::hours(SESSION_HOURS);
            match session::open(&state, Subject::Staff(account.id), expires).await {
                Ok((cookie, _)) => {
                    let mut gone = Cookie::build(LOGIN_COOKIE, "").path("/staff/login").finish();
                    gone.make_removal();
                    HttpResponse::SeeOther()
                        .insert_header((header::LOCATION, "/staff"))
                        .cookie(cookie)
                        .cookie(gone)
                        .finish()
                }
                Err(_) => busy(&state),
            }
        }
        Ok(None) => login_page(
            &state,
            StatusCode::UNAUTHORIZED,
            &typed,
            Some("Dit e-mailadres en wachtwoord passen niet bij elkaar. Controleer ze en probeer het opnieuw."),
        ),
        Err(_) => busy(&state),
    }
}

async fn logout(state: web::Data<AppState>, req: HttpRequest, form: Form) -> HttpResponse {
    let Ok(Some(s)) = session::current(&state, &req, SessionKind::Staff).await else {
        return see_other("/staff/login");
    };
    if !session::csrf_ok(&s, &form) {
        return csrf_refused(&state);
    }
    let _ = session::close(&state, &s).await;
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/staff/login"))
        .cookie(session::removal(&state, SessionKind::Staff))
        .finish()
}

// ---------------------------------------------------------------------------------------------
// The list and attention pages

#[derive(serde::Deserialize)]
struct ListQuery {
    q: Option<String>,
    role: Option<String>,
    page: Option<i64>,
}

async fn list(state: web::Data<AppState>, req: HttpRequest, query: web::Query<ListQuery>) -> HttpResponse {
    let s = match staff(&state, &req).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let q = query.q.clone().unwrap_or_default().chars().take(100).collect::<String>();
    let role = query.role.as_deref().and_then(Role::parse);
    let filter = PeopleFilter {
        q: Some(q.clone()).filter(|q| !q.trim().is_empty()),
        role,
        page: query.page.unwrap_or(1),
        per_page: PER_PAGE,
    };
    let scope = s.scope.clone();
    let page = match read(&state, move |c| co::list_people(c, &scope, &filter)).await {
        Ok(p) => p,
        Err(e) => return fail(&state, e),
    };
    let people: Vec<Value> = page
        .people
        .iter()
        .map(|p| {
            json!({
                "href": format!("/staff/people/{}", p.id),
                "name": p.name,
                "role": role_word(p.role),
                "team": p.team_name,
                "organisation": p.organisation_name,
                "phone": p.phone_masked.clone().unwrap_or_default(),
                "failing": p.phone_failing,
                "ended": p.ended,
            })
        })
        .collect();
    let role_code = role.map(Role::as_str).unwrap_or("");
    let link = |n: i64| format!("/staff?q={}&role={}&page={n}", encode(&q), role_code);
    let mut data = base(&s, "Mensen");
    data.insert("q".into(), json!(q));
    data.insert(
        "roles".into(),
        json!([
            {"value": "", "label": "Iedereen", "selected": role.is_none()},
            {"value": "student", "label": "Studenten", "selected": role == Some(Role::Student)},
            {"value": "mentor", "label": "Begeleiders", "selected": role == Some(Role::Mentor)},
        ]),
    );
    data.insert("people".into(), json!(people));
    data.insert("total".into(), json!(page.total));
    data.insert("page".into(), json!(page.page));
    data.insert("pages".into(), json!(page.pages));
    data.insert("prev".into(), json!((page.page > 1).then(|| link(page.page - 1))));
    data.insert("next".into(), json!((page.page < page.pages).then(|| link(page.page + 1))));
    render(&state, StatusCode::OK, "staff_people", &Value::Object(data))
}

#[derive(serde::Deserialize)]
struct AttentionQuery {
    weeks: Option<String>,
}

async fn attention(state: web::Data<AppState>, req: HttpRequest, query: web::Query<AttentionQuery>) -> HttpResponse {
    let s = match staff(&state, &req).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let weeks = query.weeks.as_deref().and_then(|w| w.trim().parse::<usize>().ok()).unwrap_or(3).clamp(1, 52);
    let scope = s.scope.clone();
    let now = state.clock.now();
    let found =
        read(&state, move |c| Ok((co::failing_phones(c, &scope)?, co::silent_people(c, &scope, weeks, now)?))).await;
    let (failing, silent) = match found {
        Ok(f) => f,
        Err(e) => return fail(&state, e),
    };
    let zone = chrono_tz::Europe::Amsterdam;
    let failing: Vec<Value> = failing
        .iter()
        .map(|p| {
            json!({
                "href": format!("/staff/people/{}", p.id),
                "name": p.name,
                "role": role_word(p.role),
                "team": p.team_name,
                "since": p.since.map(|t| nl_instant(t, zone)).unwrap_or_default(),
                "why": p.why.clone().unwrap_or_default(),
            })
        })
        .collect();
    let silent: Vec<Value> = silent
        .iter()
        .map(|p| {
            json!({
                "href": format!("/staff/people/{}", p.id),
                "name": p.name,
                "role": role_word(p.role),
                "team": p.team_name,
                "last": p.last_completed_at.map(|t| nl_instant(t, zone)),
            })
        })
        .collect();
    let mut data = base(&s, "Aandacht nodig");
    data.insert("weeks".into(), json!(weeks));
    data.insert("failing".into(), json!(failing));
    data.insert("silent".into(), json!(silent));
    render(&state, StatusCode::OK, "staff_attention", &Value::Object(data))
}

// ---------------------------------------------------------------------------------------------
// One person

fn parse_id(raw: &str) -> Option<i64> {
    raw.parse::<i64>().ok().filter(|id| *id > 0)
}

#[derive(serde::Deserialize)]
struct DetailQuery {
    ok: Option<String>,
    /// After a withdrawal: what happened to the data, and the counts the message gives.
    data: Option<String>,
    ended: Option<usize>,
    cancelled: Option<usize>,
    deleted: Option<usize>,
}

fn success_word(code: &str) -> Option<&'static str> {
    match code {
        "phone" => Some("Het telefoonnummer is gewijzigd."),
        "handover" => Some("De student is overgedragen. De nieuwe begeleider ziet de student vanaf deze week."),
        "end" => Some("De deelname is beëindigd."),
        "enrol" => Some("Aangemeld. Het eerste bericht gaat vanzelf op de startdatum."),
        _ => None,
    }
}

/// What a withdrawal did, in words, from the counts the redirect after it carries.
fn withdrawn_words(q: &DetailQuery) -> String {
    /// One sentence for none, one and more, `{}` standing for the number.
    fn count(n: Option<usize>, [none, one, more]: [&str; 3]) -> String {
        match n.unwrap_or(0) {
            0 => none.to_string(),
            1 => one.to_string(),
            n => more.replace("{}", &n.to_string()),
        }
    }
    let mut words = vec![
        "De deelname is ingetrokken.".to_string(),
        count(
            q.ended,
            ["Er liepen geen vragenlijsten meer.", "1 vragenlijst is gestopt.", "{} vragenlijsten zijn gestopt."],
        ),
        count(
            q.cancelled,
            [
                "Er stonden geen berichten klaar.",
                "1 bericht dat klaarstond, wordt niet verstuurd.",
                "{} berichten die klaarstonden, worden niet verstuurd.",
            ],
        ),
    ];
    match q.data.as_deref().and_then(OnWithdrawal::parse) {
        Some(OnWithdrawal::Delete) => words.push(count(
            q.deleted,
            [
                "Er waren geen antwoorden om te verwijderen.",
                "1 antwoord is verwijderd.",
                "{} antwoorden zijn verwijderd.",
            ],
        )),
        Some(OnWithdrawal::Keep) => words.push("De antwoorden die al gegeven zijn, blijven bewaard.".to_string()),
        None => {}
    }
    words.join(" ")
}

/// Form fields of the detail page that can carry an error, each present (strict templates).
const DETAIL_FIELDS: &[&str] = &["mobile_phone", "mentor_id", "reason", "date", "note", "data", "confirm"];

fn problems_map(fields: &[&str], problems: &[FieldProblem]) -> (Map<String, Value>, Vec<String>) {
    let mut m: Map<String, Value> = fields.iter().map(|f| (f.to_string(), Value::Null)).collect();
    let mut general = Vec::new();
    for p in problems {
        match p.field.as_deref().filter(|f| fields.contains(f)) {
            Some(f) => {
                let e = m.get_mut(f).expect("every field is present");
                if e.is_null() {
                    *e = json!(p.message);
                } else {
                    *e = json!(format!("{} {}", e.as_str().unwrap_or(""), p.message));
                }
            }
            None => general.push(p.message.clone()),
        }
    }
    (m, general)
}

struct DetailInput<'a> {
    ok: Option<String>,
    problems: &'a [FieldProblem],
    typed: &'a [(String, String)],
}

async fn detail_page(state: &AppState, s: &Staff, id: i64, input: DetailInput<'_>, status: StatusCode) -> HttpResponse {
    let scope = s.scope.clone();
    let now = state.clock.now();
    let found = write(state, move |c| {
        let d = co::person_detail(c, &scope, id, now)?;
        let mentors = if d.role == Role::Student { co::mentors_in_scope(c, &scope)? } else { Vec::new() };
        let zone = d.time_zone.clone();
        Ok((d, mentors, zone))
    })
    .await;
    let (d, mentors, zone) = match found {
        Ok(f) => f,
        Err(e) => return fail(state, e),
    };
    let zone: Tz = zone.parse().unwrap_or(chrono_tz::Europe::Amsterdam);
    let current_ids: Vec<i64> = d.current.iter().map(|p| p.other_id).collect();
    let pair_json = |p: &co::PairInfo| {
        json!({
            "href": p.other_name.as_ref().map(|_| format!("/staff/people/{}", p.other_id)),
            "name": p.other_name.clone().unwrap_or_else(|| "iemand buiten je organisatie".into()),
            "from": nl_date(p.starts_on),
            "until": p.ends_on.map(nl_date),
            "reason": p.end_reason.as_deref().map(reason_word),
        })
    };
    let typed = |name: &str, default: String| -> String {
        input.typed.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or(default)
    };
    let typed_reason = typed("reason", String::new());
    let typed_data = typed("data", String::new());
    let (errors, general) = problems_map(DETAIL_FIELDS, input.problems);
    let today = koers_core::time::local_date(zone, now);
    let mut data = base(s, "Persoon");
    data.insert(
        "person".into(),
        json!({
            "id": d.id,
            "name": d.name,
            "role": role_word(d.role),
            "is_student": d.role == Role::Student,
            "role_title": d.role_title,
            "team": d.team_name,
            "organisation": d.organisation_name,
            "phone": d.mobile_phone.clone().unwrap_or_default(),
            "email": d.email,
            "locale": if d.locale == "en" { "Engels" } else { "Nederlands" },
            "failing": d.phone_failing,
            "failing_since": d.phone_failing_since.map(|t| nl_instant(t, zone)),
            "failure": d.phone_failure,
            "ended": d.ended_at.is_some(),
            "ended_at": d.ended_at.map(|t| nl_instant(t, zone)),
            "end_reason": d.end_reason.as_deref().map(reason_word),
            "dropout_type": d.dropout_type.as_deref().map(reason_word),
            "dropout_date": d.dropout_date.map(nl_date),
        }),
    );
    data.insert("current".into(), json!(d.current.iter().map(pair_json).collect::<Vec<_>>()));
    data.insert("history".into(), json!(d.history.iter().map(pair_json).collect::<Vec<_>>()));
    data.insert(
        "subscriptions".into(),
        json!(d
            .subscriptions
            .iter()
            .map(|x| json!({
                "protocol": x.protocol,
                "for": x.filling_out_for,
                "state": state_word(&x.state),
                "from": nl_instant(x.starts_at, zone),
                "until": x.ends_at.map(|t| nl_instant(t, zone)),
                "reason": x.end_reason.as_deref().map(reason_word),
            }))
            .collect::<Vec<_>>()),
    );
    let typed_mentor = typed("mentor_id", String::new());
    data.insert(
        "mentors".into(),
        json!(mentors
            .iter()
            .filter(|m| !current_ids.contains(&m.id))
            .map(|m| json!({"id": m.id, "name": m.name, "team": m.team_name, "selected": typed_mentor == m.id.to_string()}))
            .collect::<Vec<_>>()),
    );
    data.insert(
        "reasons".into(),
        json!(DropoutType::ALL
            .iter()
            .map(|r| json!({"value": r.as_str(), "label": reason_word(r.as_str()), "checked": typed_reason == r.as_str()}))
            .collect::<Vec<_>>()),
    );
    data.insert(
        "withdraw_choices".into(),
        json!([
            {"value": "keep", "label": "Bewaren: de antwoorden die al gegeven zijn, blijven in het onderzoek.", "checked": typed_data == "keep"},
            {"value": "delete", "label": "Verwijderen: alle antwoorden van deze persoon worden gewist.", "checked": typed_data == "delete"},
        ]),
    );
    data.insert(
        "typed".into(),
        json!({
            "mobile_phone": typed("mobile_phone", d.mobile_phone.clone().unwrap_or_default()),
            "date": typed("date", today.to_string()),
            "note": typed("note", String::new()),
        }),
    );
    data.insert("errors".into(), Value::Object(errors));
    data.insert("general".into(), json!(general));
    data.insert("ok".into(), json!(input.ok));
    data.insert("action".into(), json!(format!("/staff/people/{}", d.id)));
    render(state, status, "staff_person", &Value::Object(data))
}

async fn detail(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<DetailQuery>,
) -> HttpResponse {
    let s = match staff(&state, &req).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(id) = parse_id(&path) else { return not_found(&state) };
    let ok = match query.ok.as_deref() {
        Some("withdraw") => Some(withdrawn_words(&query)),
        Some(code) => success_word(code).map(String::from),
        None => None,
    };
    let input = DetailInput { ok, problems: &[], typed: &[] };
    detail_page(&state, &s, id, input, StatusCode::OK).await
}

/// Runs a change on a person: session, CSRF, then the change; back to the person with the
/// message `ok` names, or the page again with the problems next to their fields.
async fn person_post(
    state: &AppState,
    req: &HttpRequest,
    path: &str,
    form: &[(String, String)],
    ok: &'static str,
    change: impl FnOnce(&mut DbConnection, &Scope, i64, DateTime<Utc>) -> CoordinationResult<()> + Send + 'static,
) -> HttpResponse {
    person_change(state, req, path, form, change, move |()| format!("ok={ok}")).await
}

/// [`person_post`] for a change whose outcome the message reports: `query` turns it into the
/// query of the person's page.
async fn person_change<T: Send + 'static>(
    state: &AppState,
    req: &HttpRequest,
    path: &str,
    form: &[(String, String)],
    change: impl FnOnce(&mut DbConnection, &Scope, i64, DateTime<Utc>) -> CoordinationResult<T> + Send + 'static,
    query: impl FnOnce(T) -> String,
) -> HttpResponse {
    let s = match staff(state, req).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !session::csrf_ok(&s.session, form) {
        return csrf_refused(state);
    }
    let Some(id) = parse_id(path) else { return not_found(state) };
    let scope = s.scope.clone();
    let now = state.clock.now();
    match write(state, move |c| change(c, &scope, id, now)).await {
        Ok(done) => see_other(&format!("/staff/people/{id}?{}", query(done))),
        Err(CoordinationError::Problems(ps)) => {
            let input = DetailInput { ok: None, problems: &ps, typed: form };
            detail_page(state, &s, id, input, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => fail(state, e),
    }
}

async fn change_phone(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    form: Form,
) -> HttpResponse {
    let phone = field(&form, "mobile_phone").to_string();
    person_post(&state, &req, &path, &form, "phone", move |c, scope, id, now| {
        co::change_phone(c, scope, id, &phone, now)
    })
    .await
}

async fn handover(state: web::Data<AppState>, req: HttpRequest, path: web::Path<String>, form: Form) -> HttpResponse {
    let mentor = field(&form, "mentor_id").parse::<i64>().ok();
    person_post(&state, &req, &path, &form, "handover", move |c, scope, id, now| match mentor {
        Some(m) => co::handover(c, scope, id, m, now).map(|_| ()),
        None => {
            // Only someone who may see the student learns that a mentor is missing.
            co::person_detail(c, scope, id, now)?;
            Err(CoordinationError::Problems(vec![FieldProblem {
                field: Some("mentor_id".into()),
                message: "Kies een begeleider.".into(),
            }]))
        }
    })
    .await
}

async fn end(state: web::Data<AppState>, req: HttpRequest, path: web::Path<String>, form: Form) -> HttpResponse {
    let reason = DropoutType::parse(field(&form, "reason"));
    let date_raw = field(&form, "date").trim().to_string();
    let note = field(&form, "note").to_string();
    person_post(&state, &req, &path, &form, "end", move |c, scope, id, now| {
        let date = koers_core::people_import::parse_date(&date_raw).ok();
        let (Some(reason), Some(date)) = (reason, date) else {
            // Checked against the scope first, so an outsider gets the same 404 as always.
            co::person_detail(c, scope, id, now)?;
            let mut ps = Vec::new();
            if reason.is_none() {
                ps.push(FieldProblem { field: Some("reason".into()), message: "Kies een reden.".into() });
            }
            if date.is_none() {
                ps.push(FieldProblem {
                    field: Some("date".into()),
                    message: "Vul een datum in, bijvoorbeeld 01-10-2026.".into(),
                });
            }
            return Err(CoordinationError::Problems(ps));
        };
        co::end_participation(c, scope, id, &Ending { reason, date, note: Some(note) }, now).map(|_| ())
    })
    .await
}

/// A person withdraws: a coordinator records it with what the person's consent says about the
/// answers already given, and ticks that they are sure (it cannot be undone).
async fn withdraw(state: web::Data<AppState>, req: HttpRequest, path: web::Path<String>, form: Form) -> HttpResponse {
    let data = OnWithdrawal::parse(field(&form, "data"));
    let confirmed = field(&form, "confirm") == "yes";
    let change = move |c: &mut DbConnection, scope: &Scope, id, now| {
        let Some(data) = data.filter(|_| confirmed) else {
            // Checked against the scope first, so an outsider gets the same 404 as always.
            co::person_detail(c, scope, id, now)?;
            let mut ps = Vec::new();
            if data.is_none() {
                ps.push(FieldProblem {
                    field: Some("data".into()),
                    message: "Kies wat er met de antwoorden gebeurt.".into(),
                });
            }
            if !confirmed {
                ps.push(FieldProblem {
                    field: Some("confirm".into()),
                    message: "Zet een vinkje als je zeker weet dat deze persoon stopt.".into(),
                });
            }
            return Err(CoordinationError::Problems(ps));
        };
        co::withdraw(c, scope, id, data, now).map(|w| (data, w))
    };
    let query = |(data, w): (OnWithdrawal, Withdrawal)| {
        format!(
            "ok=withdraw&data={}&ended={}&cancelled={}&deleted={}",
            data.as_str(),
            w.subscriptions_ended,
            w.invitations_cancelled,
            w.answers_deleted
        )
    };
    person_change(&state, &req, &path, &form, change, query).await
}

// ---------------------------------------------------------------------------------------------
// Enrolling

const ENROL_FIELDS: &[&str] = &[
    "role",
    "team_id",
    "first_name",
    "last_name",
    "gender",
    "mobile_phone",
    "email",
    "start_date",
    "locale",
    "student_id",
];

async fn enrol_page(
    state: &AppState,
    s: &Staff,
    typed: &[(String, String)],
    problems: &[FieldProblem],
    status: StatusCode,
) -> HttpResponse {
    let scope = s.scope.clone();
    let found = read(state, move |c| Ok((co::teams_in_scope(c, &scope)?, co::students_in_scope(c, &scope)?))).await;
    let (teams, students) = match found {
        Ok(f) => f,
        Err(e) => return fail(state, e),
    };
    let (errors, general) = problems_map(ENROL_FIELDS, problems);
    let mut values = Map::new();
    for f in ENROL_FIELDS {
        values.insert(f.to_string(), json!(field(typed, f)));
    }
    let role = field(typed, "role");
    let team = field(typed, "team_id");
    let gender = field(typed, "gender");
    let locale = field(typed, "locale");
    let student = field(typed, "student_id");
    let mut data = base(s, "Iemand aanmelden");
    data.insert("values".into(), Value::Object(values));
    data.insert("errors".into(), Value::Object(errors));
    data.insert("general".into(), json!(general));
    data.insert(
        "roles".into(),
        json!([
            {"value": "student", "label": "Student", "checked": role == "student"},
            {"value": "mentor", "label": "Begeleider", "checked": role == "mentor"},
        ]),
    );
    data.insert(
        "teams".into(),
        json!(teams
            .iter()
            .map(|t| json!({"id": t.id, "name": t.name, "organisation": t.organisation_name, "selected": team == t.id.to_string()}))
            .collect::<Vec<_>>()),
    );
    data.insert(
        "genders".into(),
        json!([
            {"value": "", "label": "Zeg ik liever niet / onbekend", "selected": gender.is_empty()},
            {"value": "female", "label": "Vrouw", "selected": gender == "female"},
            {"value": "male", "label": "Man", "selected": gender == "male"},
            {"value": "other", "label": "Anders", "selected": gender == "other"},
        ]),
    );
    data.insert(
        "locales".into(),
        json!([
            {"value": "nl", "label": "Nederlands", "selected": locale != "en"},
            {"value": "en", "label": "Engels", "selected": locale == "en"},
        ]),
    );
    data.insert(
        "students".into(),
        json!(students
            .iter()
            .map(|p| json!({"id": p.id, "name": p.name, "team": p.team_name, "selected": student == p.id.to_string()}))
            .collect::<Vec<_>>()),
    );
    render(state, status, "staff_enrol", &Value::Object(data))
}

async fn enrol_form(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let s = match staff(&state, &req).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    enrol_page(&state, &s, &[], &[], StatusCode::OK).await
}

async fn enrol(state: web::Data<AppState>, req: HttpRequest, form: Form) -> HttpResponse {
    let s = match staff(&state, &req).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !session::csrf_ok(&s.session, &form) {
        return csrf_refused(&state);
    }
    let e = Enrolment {
        role: field(&form, "role").to_string(),
        team_id: field(&form, "team_id").parse().ok(),
        first_name: field(&form, "first_name").to_string(),
        last_name: field(&form, "last_name").to_string(),
        gender: field(&form, "gender").to_string(),
        mobile_phone: field(&form, "mobile_phone").to_string(),
        email: field(&form, "email").to_string(),
        start_date: field(&form, "start_date").to_string(),
        locale: field(&form, "locale").to_string(),
        student_id: field(&form, "student_id").parse().ok(),
    };
    let scope = s.scope.clone();
    let now = state.clock.now();
    match write(&state, move |c| co::enrol(c, &scope, &e, now)).await {
        Ok(id) => see_other(&format!("/staff/people/{id}?ok=enrol")),
        Err(CoordinationError::Problems(ps)) => {
            enrol_page(&state, &s, &form, &ps, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => fail(&state, e),
    }
}
