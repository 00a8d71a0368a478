//! What students, mentors and parents do in the browser, from the SMS link to a stored answer.
//!
//! The link's token opens a session and the browser is sent on to a clean address, so the token
//! never stays in the address bar or the history. Every response is looked up through the
//! session's person: an id changed in an address or a form finds nothing (404), never someone
//! else's questionnaire. Mentors see whether their students answered, never what.

#![allow(clippy::result_large_err)] // The error side is the page to show instead; one per request.

use crate::pages::message;
use crate::questionnaire_page::{render_page, PageInput};
use crate::session::{self, csrf_ok};
use crate::state::AppState;
use crate::words::{euros, lang, when};
use actix_web::http::header::{self, ContentType};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Offset, TimeDelta, Utc};
use chrono_tz::Tz;
use koers_core::people::Gender;
use koers_core::protocol::windows::{participation_end, windows};
use koers_core::protocol::{Opening, Protocol};
use koers_core::questionnaire::submit::{validate_submission, Accepted, Context, Submission};
use koers_core::questionnaire::vars::PersonVars;
use koers_core::questionnaire::Questionnaire;
use koers_store::answers::{Completion, Saved};
use koers_store::participation::{
    self as part, Participant, ResponseRef, CONSENT_GUARDIAN, CONSENT_GUARDIAN_DECLINED, CONSENT_GUARDIAN_NEEDED,
    CONSENT_PARTICIPANT, CONSENT_SHARE_CONTACT,
};
use koers_store::sessions::{self, SessionKind, SessionRow, Subject};
use koers_store::tokens::{self, TokenState};
use koers_store::{DbConnection, StoreError};
use serde_json::{json, Value};
use std::sync::Arc;

/// How long a participant's browser session lasts; after that the SMS link opens a new one.
const SESSION_HOURS: i64 = 12;
/// Windows that closed longer ago than this cannot be in their grace period any more.
const MAX_GRACE: TimeDelta = TimeDelta::days(2);
/// Submitted forms larger than this are refused before they are read.
const FORM_LIMIT: usize = 256 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::FormConfig::default().limit(FORM_LIMIT))
        .route("/l/{token}", web::get().to(open_link))
        .route("/p", web::get().to(home))
        .route("/p/toestemming", web::post().to(consent))
        .route("/p/r/{id}", web::get().to(show))
        .route("/p/r/{id}", web::post().to(submit))
        .route("/p/klaar/{id}", web::get().to(thanks))
        .route("/p/begeleider", web::get().to(my_mentor))
        .route("/p/stoppen", web::get().to(stop_page))
        .route("/p/stoppen", web::post().to(stop))
        .route("/g", web::get().to(guardian_page))
        .route("/g", web::post().to(guardian_submit));
}

type Page = Result<HttpResponse, HttpResponse>;

fn done(p: Page) -> HttpResponse {
    p.unwrap_or_else(|e| e)
}

fn unavailable(state: &AppState, lang: &str) -> HttpResponse {
    if lang == "en" {
        message(
            state,
            StatusCode::SERVICE_UNAVAILABLE,
            "en",
            "One moment",
            &["It does not work right now. Please try again in a few minutes."],
        )
    } else {
        message(
            state,
            StatusCode::SERVICE_UNAVAILABLE,
            "nl",
            "Even geduld",
            &["Het lukt nu even niet. Probeer het over een paar minuten opnieuw."],
        )
    }
}

fn not_found(state: &AppState, lang: &str) -> HttpResponse {
    if lang == "en" {
        message(
            state,
            StatusCode::NOT_FOUND,
            "en",
            "This page does not exist",
            &["Go back to your overview through the link in your text message."],
        )
    } else {
        message(
            state,
            StatusCode::NOT_FOUND,
            "nl",
            "Deze pagina bestaat niet",
            &["Ga terug naar je overzicht via de link in je sms."],
        )
    }
}

fn csrf_refused(state: &AppState, lang: &str) -> HttpResponse {
    if lang == "en" {
        message(state, StatusCode::FORBIDDEN, "en", "Please try again", &["This form was open too long or came from elsewhere. Open the link in your text message and fill it in again."])
    } else {
        message(state, StatusCode::FORBIDDEN, "nl", "Probeer het nog een keer", &["Dit formulier stond te lang open of kwam ergens anders vandaan. Open de link uit je sms en vul het opnieuw in."])
    }
}

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(ContentType::html())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

fn render(state: &AppState, template: &str, data: &Value) -> Page {
    state.templates.render(template, data).map(|b| html(StatusCode::OK, b)).map_err(|e| {
        tracing::error!(template, error = %e, "template failed");
        unavailable(state, "nl")
    })
}

/// Runs storage work off the async threads; a failure becomes the friendly "one moment" page.
async fn db<T: Send + 'static>(
    state: &AppState,
    write: bool,
    f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, HttpResponse> {
    let database = state.db.clone();
    let r = web::block(move || if write { database.write(f) } else { database.read_snapshot(f) }).await;
    match r {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "participant page: storage failed");
            Err(unavailable(state, "nl"))
        }
        Err(_) => Err(unavailable(state, "nl")),
    }
}

/// The person behind the session, with their language and zone.
struct Me {
    session: SessionRow,
    person: Participant,
    lang: &'static str,
    zone: Tz,
}

async fn me(state: &AppState, req: &HttpRequest) -> Result<Me, HttpResponse> {
    me_and(state, req, |_, _| Ok(())).await.map(|(me, ())| me)
}

/// The person behind the session and whatever `more` reads about them, in one trip to the
/// database: a page view waits for the blocking pool once, not once per question it asks.
async fn me_and<T: Send + 'static>(
    state: &AppState,
    req: &HttpRequest,
    more: impl FnOnce(&mut DbConnection, &Participant) -> Result<T, StoreError> + Send + 'static,
) -> Result<(Me, T), HttpResponse> {
    let signed_out = || {
        message(
            state,
            StatusCode::UNAUTHORIZED,
            "nl",
            "Open de link uit je sms",
            &["Je komt hier via de persoonlijke link in je sms. Open die link nog een keer."],
        )
    };
    let Some(value) = session::cookie_value(req, SessionKind::Participant) else { return Err(signed_out()) };
    let now = state.clock.now();
    let found = db(state, false, move |c| {
        let Some(session) = sessions::find(c, SessionKind::Participant, &value, now)? else { return Ok(None) };
        let Subject::Person(person_id) = session.subject else { return Ok(Some((session, None))) };
        let Some(person) = part::participant(c, person_id)? else { return Ok(Some((session, None))) };
        let more = more(c, &person)?;
        Ok(Some((session, Some((person, more)))))
    })
    .await?;
    let Some((session, person)) = found else { return Err(signed_out()) };
    let Some((person, more)) = person else { return Err(not_found(state, "nl")) };
    let zone: Tz = person.time_zone.parse().unwrap_or(chrono_tz::Europe::Amsterdam);
    let lang = lang(&person.locale);
    Ok((Me { session, person, lang, zone }, more))
}

/// The link from an SMS: opens a session and sends the browser on to a clean address.
async fn open_link(state: web::Data<AppState>, req: HttpRequest, token: web::Path<String>) -> HttpResponse {
    done(open_link_inner(&state, &req, token.into_inner()).await)
}

async fn open_link_inner(state: &AppState, req: &HttpRequest, token: String) -> Page {
    if !state.limits.link_allowed(req) {
        return Err(message(
            state,
            StatusCode::TOO_MANY_REQUESTS,
            "nl",
            "Even wachten",
            &["Er zijn te veel links geprobeerd. Wacht een minuut en open dan de link uit je sms."],
        ));
    }
    let now = state.clock.now();
    let st = db(state, true, move |c| tokens::redeem(c, &token, now)).await?;
    match st {
        TokenState::Valid { person_id, purpose, .. } => {
            let subject =
                if purpose == "guardian" { Subject::GuardianOf(person_id) } else { Subject::Person(person_id) };
            let (cookie, _) = session::open(state, subject, now + TimeDelta::hours(SESSION_HOURS))
                .await
                .map_err(|_| unavailable(state, "nl"))?;
            let to = if purpose == "guardian" { "/g" } else { "/p" };
            Ok(HttpResponse::SeeOther()
                .cookie(cookie)
                .insert_header((header::LOCATION, to))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish())
        }
        TokenState::Expired { person_id } => expired_link(state, person_id).await,
        TokenState::Unknown => Err(message(
            state,
            StatusCode::NOT_FOUND,
            "nl",
            "Deze link kennen we niet",
            &["Kijk of je de hele link uit je sms hebt geopend. Lukt het niet? Vraag je begeleider om hulp."],
        )),
    }
}

/// An old link: say kindly whether something is open now and when the next one comes.
async fn expired_link(state: &AppState, person_id: i64) -> Page {
    let now = state.clock.now();
    let (person, open, next) = db(state, false, move |c| {
        let person = part::participant(c, person_id)?;
        let open = part::windows_of(c, person_id, now - MAX_GRACE, now)?;
        let subs = part::active_subscriptions_of(c, person_id)?;
        Ok((person, open, subs))
    })
    .await?;
    let Some(person) = person else { return Err(not_found(state, "nl")) };
    let zone: Tz = person.time_zone.parse().unwrap_or(chrono_tz::Europe::Amsterdam);
    let l = lang(&person.locale);
    let anything_open = open.iter().any(|r| is_open(state, r, now));
    let next = next_window(state, &next, zone, now);
    let mut lines: Vec<String> = Vec::new();
    if l == "en" {
        lines.push("This link belongs to a questionnaire that has closed. That's fine.".into());
        if anything_open {
            lines.push("There is a questionnaire open for you now: use the link in your newest text message.".into());
        }
        if let Some(n) = next {
            lines.push(format!("The next one comes on {}. You will get a text message then.", when(n, zone, l)));
        }
    } else {
        lines.push("Deze link hoort bij een vragenlijst die gesloten is. Dat is niet erg.".into());
        if anything_open {
            lines.push("Er staat nu wel een vragenlijst voor je klaar: gebruik de link uit je nieuwste sms.".into());
        }
        if let Some(n) = next {
            lines.push(format!("De volgende komt op {}. Je krijgt dan een sms.", when(n, zone, l)));
        }
    }
    let heading = if l == "en" { "This link has expired" } else { "Deze link is verlopen" };
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    Err(message(state, StatusCode::GONE, l, heading, &refs))
}

fn protocol_of(state: &AppState, content: &str) -> Option<Arc<Protocol>> {
    state.definitions.protocol(content)
}

/// Whether a window can be answered now: open, or closed a moment ago while the person was
/// already answering (the protocol's grace period).
fn is_open(state: &AppState, r: &ResponseRef, now: DateTime<Utc>) -> bool {
    if r.completed_at.is_some() || !r.subscription_active || r.open_at > now {
        return false;
    }
    if now < r.close_at {
        return true;
    }
    let grace = protocol_of(state, &r.protocol_content).map(|p| p.grace_period.0).unwrap_or_default();
    r.opened_at.is_some_and(|o| o < r.close_at) && now < r.close_at + grace
}

/// What to answer first of the windows open now: in the order of the protocol's measurements
/// (the intake before a diary that happened to open earlier the same day), then oldest first.
fn first_open<'a>(state: &AppState, open: &'a [ResponseRef], now: DateTime<Utc>) -> Option<&'a ResponseRef> {
    open.iter().filter(|r| is_open(state, r, now)).min_by_key(|r| {
        let place = protocol_of(state, &r.protocol_content)
            .and_then(|p| p.measurements.iter().position(|m| m.key == r.measurement_key))
            .unwrap_or(usize::MAX);
        (place, r.open_at)
    })
}

/// The first window after now of any of these subscriptions, from the protocols themselves.
fn next_window(
    state: &AppState,
    subs: &[part::SubscriptionInfo],
    zone: Tz,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    subs.iter()
        .filter_map(|(_, content, start, end, _)| {
            let p = protocol_of(state, content)?;
            let z: Tz = p.time_zone.parse().unwrap_or(zone);
            let stop = participation_end(&p, z, *start, *end);
            windows(&p, z, *start, stop).into_iter().map(|w| w.open_at).find(|o| *o > now)
        })
        .min()
}

fn gender(g: &Option<String>) -> Option<Gender> {
    g.as_deref().and_then(|g| Gender::from_import(g).ok().flatten())
}

/// The newest version of a questionnaire: its id and the parsed definition.
async fn questionnaire(state: &AppState, key: String) -> Result<(i64, Arc<Questionnaire>), HttpResponse> {
    let k = key.clone();
    let newest = db(state, false, move |c| koers_store::definitions::latest_questionnaire_id(c, &k)).await?;
    questionnaire_by_id(state, key, newest).await
}

/// The parsed questionnaire of the newest version's id: nearly always cached already, and the
/// source (kilobytes of YAML) is read only when it is not.
async fn questionnaire_by_id(
    state: &AppState,
    key: String,
    newest: Option<i64>,
) -> Result<(i64, Arc<Questionnaire>), HttpResponse> {
    if let Some((id, q)) = newest.and_then(|id| Some((id, state.definitions.cached_questionnaire(id)?))) {
        return Ok((id, q));
    }
    let k = key.clone();
    let found = db(state, false, move |c| koers_store::definitions::latest_questionnaire(c, &k)).await?;
    let Some((id, _, content)) = found else {
        tracing::error!(questionnaire = %key, "a questionnaire a protocol names is not loaded");
        return Err(unavailable(state, "nl"));
    };
    match state.definitions.questionnaire(id, &key, &content) {
        Some(q) => Ok((id, q)),
        None => {
            tracing::error!(questionnaire = %key, "a stored questionnaire does not parse");
            Err(unavailable(state, "nl"))
        }
    }
}

/// Where a person stands before any questionnaire: consent first, and for under-16s their
/// parent's or carer's as well.
enum Consent {
    Needed,
    WaitingForGuardian,
    GuardianDeclined,
    Given,
}

/// Read inside a page's one database trip (see [`me_and`]).
fn consent_of(c: &mut DbConnection, person_id: i64) -> Result<Consent, StoreError> {
    let given = part::active_consents(c, person_id)?;
    let has = |kind: &str| given.iter().any(|k| k == kind);
    Ok(if !has(CONSENT_PARTICIPANT) {
        Consent::Needed
    } else if has(CONSENT_GUARDIAN_DECLINED) {
        Consent::GuardianDeclined
    } else if has(CONSENT_GUARDIAN_NEEDED) && !has(CONSENT_GUARDIAN) {
        Consent::WaitingForGuardian
    } else {
        Consent::Given
    })
}

/// Consent questionnaires are answered before any protocol: nothing about it applies yet.
fn consent_context(lang: &str, now: DateTime<Utc>, today: chrono::NaiveDate) -> Context {
    Context {
        lang: lang.into(),
        fallback_lang: "nl".into(),
        now,
        today,
        protocol_start: now,
        final_questionnaire: false,
        students: vec![],
    }
}

fn consent_key(role: &str) -> &'static str {
    if role == "mentor" {
        "mentor_consent"
    } else {
        "student_consent"
    }
}

fn base_input(me: &Me, action: String) -> PageInput {
    PageInput {
        lang: me.lang.into(),
        fallback_lang: "nl".into(),
        vars: PersonVars { first_name: me.person.first_name.clone(), ..Default::default() },
        action,
        csrf: me.session.csrf_token.clone(),
        today: Some(me.session.expires_at.with_timezone(&me.zone).date_naive()),
        first_time: true,
        ..Default::default()
    }
}

/// The page a link leads to: consent, the open questionnaire, the mentor's overview, or a
/// friendly word about when the next one comes.
async fn home(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    done(home_inner(&state, &req).await)
}

async fn home_inner(state: &AppState, req: &HttpRequest) -> Page {
    let (me, consent) = me_and(state, req, |c, p| consent_of(c, p.id)).await?;
    if me.person.ended {
        return info(state, &me, ended_texts(me.lang), vec![]);
    }
    match consent {
        Consent::Needed => {
            let (_, q) = questionnaire(state, consent_key(&me.person.role).into()).await?;
            let mut input = base_input(&me, "/p/toestemming".into());
            input.today = Some(state.clock.now().with_timezone(&me.zone).date_naive());
            let body = render_page(&state.templates, &q, &input).map_err(|_| unavailable(state, me.lang))?;
            return Ok(html(StatusCode::OK, body));
        }
        Consent::WaitingForGuardian => {
            let texts = if me.lang == "en" {
                ("Almost there", vec!["Thank you for saying yes! We sent your parent or carer a text message. As soon as they agree too, you can start.".to_string()])
            } else {
                ("Bijna klaar", vec!["Fijn dat je mee wilt doen! We hebben je ouder of verzorger een sms gestuurd. Zodra die ook ja zegt, kun je beginnen.".to_string()])
            };
            return info(state, &me, texts, vec![]);
        }
        Consent::GuardianDeclined => {
            let texts = if me.lang == "en" {
                ("Thank you", vec!["Your parent or carer would rather you did not take part. That is fine: you will not get any more questions from us.".to_string()])
            } else {
                ("Bedankt", vec!["Je ouder of verzorger wil liever niet dat je meedoet. Dat is prima: je krijgt geen vragen meer van ons.".to_string()])
            };
            return info(state, &me, texts, vec![]);
        }
        Consent::Given => {}
    }
    if me.person.role == "mentor" {
        return mentor_overview(state, &me).await;
    }
    let now = state.clock.now();
    let id = me.person.id;
    let (open, subs, earned) = db(state, false, move |c| {
        Ok((
            part::windows_of(c, id, now - MAX_GRACE, now)?,
            part::active_subscriptions_of(c, id)?,
            part::earned(c, id)?,
        ))
    })
    .await?;
    if let Some(r) = first_open(state, &open, now) {
        return Ok(see_other(&format!("/p/r/{}", r.response_id)));
    }
    let name = me.person.first_name.clone().unwrap_or_default();
    let next = next_window(state, &subs, me.zone, now);
    let mut lines = Vec::new();
    let heading = if me.lang == "en" { format!("Hi {name}!") } else { format!("Hoi {name}!") };
    if me.lang == "en" {
        lines.push("There is no questionnaire for you to fill in right now.".to_string());
        match next {
            Some(n) => lines.push(format!(
                "The next one comes on {}. You will get a text message then.",
                when(n, me.zone, me.lang)
            )),
            None if subs.is_empty() => lines.push("You have answered everything. Thank you for taking part!".into()),
            None => {}
        }
        if earned.0 > 0 {
            lines.push(format!("So far you have earned {}.", euros(earned.0, me.lang)));
        }
    } else {
        lines.push("Er staat nu geen vragenlijst voor je klaar.".to_string());
        match next {
            Some(n) => lines.push(format!("De volgende komt op {}. Je krijgt dan een sms.", when(n, me.zone, me.lang))),
            None if subs.is_empty() => lines.push("Je hebt alles ingevuld. Bedankt voor het meedoen!".into()),
            None => {}
        }
        if earned.0 > 0 {
            lines.push(format!("Je hebt tot nu toe {} verdiend.", euros(earned.0, me.lang)));
        }
    }
    info(state, &me, (&heading, lines), student_links(&me, !subs.is_empty()))
}

fn ended_texts(l: &str) -> (&'static str, Vec<String>) {
    if l == "en" {
        (
            "Thank you",
            vec!["You are no longer taking part in the study. Thank you for everything you filled in!".into()],
        )
    } else {
        ("Bedankt", vec!["Je doet niet meer mee aan het onderzoek. Bedankt voor alles wat je hebt ingevuld!".into()])
    }
}

fn student_links(me: &Me, taking_part: bool) -> Vec<Value> {
    let mut links = Vec::new();
    if me.person.role == "student" {
        links.push(json!({"href": "/p/begeleider", "label": if me.lang == "en" { "Who is my mentor?" } else { "Wie is mijn begeleider?" }}));
    }
    if taking_part {
        links.push(json!({"href": "/p/stoppen", "label": if me.lang == "en" { "Stop taking part" } else { "Stoppen met meedoen" }}));
    }
    links
}

/// A simple page: heading, a few sentences and links.
fn info<H: AsRef<str>>(state: &AppState, me: &Me, (heading, lines): (H, Vec<String>), links: Vec<Value>) -> Page {
    render(
        state,
        "p_info",
        &json!({"lang": me.lang, "title": "koers", "heading": heading.as_ref(), "paragraphs": lines, "links": links, "form": false}),
    )
}

/// The questionnaire behind one of the person's windows.
async fn show(state: web::Data<AppState>, req: HttpRequest, id: web::Path<i64>) -> HttpResponse {
    done(show_inner(&state, &req, id.into_inner()).await)
}

/// Everything about one response that its page and its submission need.
struct Opened {
    response: ResponseRef,
    questionnaire_id: i64,
    questionnaire: Arc<Questionnaire>,
    input: PageInput,
    ctx: Context,
}

/// What a response's page reads from the database, all in the request's one trip.
struct Loaded {
    consent: Consent,
    response: ResponseRef,
    names: std::collections::HashMap<i64, (String, Option<String>)>,
    students: Vec<i64>,
    mentor: Option<part::MentorContact>,
    completed_before: bool,
    newest_questionnaire: Option<i64>,
}

fn load_response(c: &mut DbConnection, person_id: i64, response_id: i64) -> Result<Option<Loaded>, StoreError> {
    let consent = consent_of(c, person_id)?;
    let Some(r) = part::response_of(c, person_id, response_id)? else { return Ok(None) };
    let mut about = Vec::new();
    if let Some(s) = r.about_student {
        about.push(s);
    }
    // Items with `foreach: student` repeat for each student the mentor answers about.
    let subs = part::active_subscriptions_of(c, person_id)?;
    let students: Vec<i64> = subs.iter().filter_map(|s| s.4).collect();
    let names = part::names(c, &[about, students.clone()].concat())?;
    let mentor = if r.about_student.is_none() { part::mentor_of(c, person_id)? } else { None };
    let completed_before = part::completed_before(c, person_id, &r.questionnaire_key, r.open_at, r.response_id)?;
    let newest_questionnaire = koers_store::definitions::latest_questionnaire_id(c, &r.questionnaire_key)?;
    Ok(Some(Loaded { consent, response: r, names, students, mentor, completed_before, newest_questionnaire }))
}

async fn open_response(state: &AppState, me: &Me, loaded: Loaded) -> Result<Opened, HttpResponse> {
    let now = state.clock.now();
    let Loaded { response, names, students, mentor, completed_before, newest_questionnaire, .. } = loaded;
    let (questionnaire_id, questionnaire) =
        questionnaire_by_id(state, response.questionnaire_key.clone(), newest_questionnaire).await?;
    let mut input = base_input(me, format!("/p/r/{}", response.response_id));
    input.today = Some(now.with_timezone(&me.zone).date_naive());
    input.first_time = !completed_before;
    if let Some(s) = response.about_student {
        if let Some((name, g)) = names.get(&s) {
            input.vars.student_name = Some(name.clone());
            input.vars.student_gender = gender(g);
        }
        input.vars.mentor_name = me.person.first_name.clone();
        input.vars.mentor_gender = gender(&me.person.gender);
    }
    if let Some((_, name, g, _)) = &mentor {
        input.vars.mentor_name = Some(name.clone());
        input.vars.mentor_gender = gender(g);
        input.vars.student_name = me.person.first_name.clone();
        input.vars.student_gender = gender(&me.person.gender);
    }
    input.students =
        students.iter().map(|id| (*id, names.get(id).map(|(n, _)| n.clone()).unwrap_or_default())).collect();
    let final_questionnaire = protocol_of(state, &response.protocol_content)
        .and_then(|p| {
            p.measurements
                .iter()
                .find(|m| m.key == response.measurement_key)
                .map(|m| matches!(m.opening(), Ok(Opening::BeforeEnd(_))))
        })
        .unwrap_or(false);
    let ctx = Context {
        lang: me.lang.into(),
        fallback_lang: "nl".into(),
        now,
        today: now.with_timezone(&me.zone).date_naive(),
        protocol_start: response.subscription_starts_at,
        final_questionnaire,
        students: input.students.clone(),
    };
    Ok(Opened { response, questionnaire_id, questionnaire, input, ctx })
}

async fn show_inner(state: &AppState, req: &HttpRequest, response_id: i64) -> Page {
    let (me, o) = answerable(state, req, response_id).await?;
    let now = state.clock.now();
    // Written once, the first time: every later view is a read only (a write per page view
    // would queue every reader behind SQLite's single writer).
    if o.response.opened_at.is_none() {
        db(state, true, move |c| part::mark_opened(c, response_id, now)).await?;
    }
    let body = render_page(&state.templates, &o.questionnaire, &o.input).map_err(|e| {
        tracing::error!(error = %e, "questionnaire page failed");
        unavailable(state, me.lang)
    })?;
    Ok(html(StatusCode::OK, body))
}

/// The person and the response if they may answer it now; otherwise (as the error) the page
/// to show instead: consent first, the thank-you page after a double submit, or "closed".
async fn answerable(state: &AppState, req: &HttpRequest, response_id: i64) -> Result<(Me, Opened), HttpResponse> {
    let (me, loaded) = me_and(state, req, move |c, p| load_response(c, p.id, response_id)).await?;
    let Some(loaded) = loaded else { return Err(not_found(state, me.lang)) };
    if !matches!(loaded.consent, Consent::Given) || me.person.ended {
        return Err(see_other("/p"));
    }
    if loaded.response.completed_at.is_some() {
        // A double click or a resent form: the first one counted.
        return Err(see_other(&format!("/p/klaar/{response_id}")));
    }
    if !is_open(state, &loaded.response, state.clock.now()) {
        return Err(closed(state, &me).await.unwrap_or_else(|e| e));
    }
    let o = open_response(state, &me, loaded).await?;
    Ok((me, o))
}

async fn closed(state: &AppState, me: &Me) -> Page {
    let texts = if me.lang == "en" {
        (
            "This questionnaire has closed",
            vec!["That's fine. You will get a text message when the next one is ready.".to_string()],
        )
    } else {
        (
            "Deze vragenlijst is gesloten",
            vec!["Dat is niet erg. Je krijgt een sms als de volgende klaarstaat.".to_string()],
        )
    };
    let mut page = info(
        state,
        me,
        texts,
        vec![json!({"href": "/p", "label": if me.lang == "en" { "To my overview" } else { "Naar mijn overzicht" }})],
    )?;
    *page.status_mut() = StatusCode::GONE;
    Ok(page)
}

async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    done(submit_inner(&state, &req, id.into_inner(), form.into_inner()).await)
}

async fn submit_inner(state: &AppState, req: &HttpRequest, response_id: i64, fields: Vec<(String, String)>) -> Page {
    let (me, o) = answerable(state, req, response_id).await?;
    if !csrf_ok(&me.session, &fields) {
        return Err(csrf_refused(state, me.lang));
    }
    let now = state.clock.now();
    let user_agent =
        req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(|s| s.chars().take(500).collect());
    let submission = Submission { fields, started_at: o.response.opened_at, user_agent };
    let accepted = match validate_submission(&o.questionnaire, &submission, &o.ctx) {
        Ok(a) => a,
        Err(rejected) => {
            let mut input = o.input;
            input.kept = rejected.kept;
            input.errors = rejected.errors;
            let body =
                render_page(&state.templates, &o.questionnaire, &input).map_err(|_| unavailable(state, me.lang))?;
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body));
        }
    };
    let rewards = if o.response.about_student.is_none() {
        protocol_of(state, &o.response.protocol_content).and_then(|p| p.rewards.clone())
    } else {
        None
    };
    let offset = now.with_timezone(&me.zone).offset().fix().local_minus_utc() / 60;
    let person_id = me.person.id;
    let questionnaire_id = o.questionnaire_id;
    let stop_after = accepted.stop_subscription;
    let saved = db(state, true, move |c| {
        let accepted: Accepted = accepted;
        let completion = Completion {
            response_id,
            questionnaire_id: Some(questionnaire_id),
            accepted: &accepted,
            utc_offset_minutes: offset,
            started_at: o.response.opened_at,
        };
        part::complete(c, person_id, &completion, rewards.as_ref(), now)
    })
    .await?;
    if saved == Saved::Stored && stop_after {
        if let Some(closing) = stop_participation(state, &me, "unsubscribe_item").await? {
            if closing != response_id {
                return Ok(see_other(&format!("/p/r/{closing}")));
            }
        }
    }
    Ok(see_other(&format!("/p/klaar/{response_id}")))
}

/// Ends the person's own participation now; the closing questionnaire opens at once. Returns
/// the closing questionnaire's response, if the protocol has one.
async fn stop_participation(state: &AppState, me: &Me, reason: &'static str) -> Result<Option<i64>, HttpResponse> {
    let person_id = me.person.id;
    let now = state.clock.now();
    let subs = db(state, false, move |c| part::active_subscriptions_of(c, person_id)).await?;
    let mut plans = Vec::new();
    for (id, content, start, _, about) in subs.iter().filter(|s| s.4.is_none()).map(|s| (s.0, &s.1, s.2, s.3, s.4)) {
        let _ = about;
        let Some(p) = protocol_of(state, content) else { continue };
        let zone: Tz = p.time_zone.parse().unwrap_or(me.zone);
        let end = participation_end(&p, zone, start, Some(now));
        let closing: Vec<_> = windows(&p, zone, start, end)
            .into_iter()
            .filter(|w| w.open_at >= now - TimeDelta::minutes(1) && w.open_at <= now + TimeDelta::minutes(1))
            .collect();
        plans.push((id, closing));
    }
    db(state, true, move |c| {
        let mut first = None;
        for (id, closing) in &plans {
            koers_store::sending::stop_subscription(c, *id, reason, now)?;
            for w in closing {
                let r = koers_store::schedule::ensure_response(c, *id, w, now)?;
                first.get_or_insert(r);
            }
        }
        Ok(first)
    })
    .await
}

/// After a submit: what was earned and the streak, in friendly words; mentors go on to their
/// next student.
async fn thanks(state: web::Data<AppState>, req: HttpRequest, id: web::Path<i64>) -> HttpResponse {
    done(thanks_inner(&state, &req, id.into_inner()).await)
}

async fn thanks_inner(state: &AppState, req: &HttpRequest, response_id: i64) -> Page {
    let me = me(state, req).await?;
    let person_id = me.person.id;
    let now = state.clock.now();
    let (r, earned, reward, open) = db(state, false, move |c| {
        let r = part::response_of(c, person_id, response_id)?;
        let earned = part::earned(c, person_id)?;
        let reward = part::reward_for(c, response_id)?;
        let open = part::windows_of(c, person_id, now - MAX_GRACE, now)?;
        Ok((r, earned, reward, open))
    })
    .await?;
    let more = first_open(state, &open, now).is_some();
    let Some(r) = r else { return Err(not_found(state, me.lang)) };
    if r.completed_at.is_none() {
        return Ok(see_other(&format!("/p/r/{response_id}")));
    }
    if me.person.role == "mentor" {
        return mentor_thanks(state, &me, &r).await;
    }
    let name = me.person.first_name.clone().unwrap_or_default();
    let (total, streak) = earned;
    let mut lines = Vec::new();
    let en = me.lang == "en";
    lines.push(if en {
        "Your answers have been saved.".to_string()
    } else {
        "Je antwoorden zijn opgeslagen.".to_string()
    });
    if let Some(amount) = reward {
        lines.push(if en {
            format!("You earned {} with this. In total you now have {}.", euros(amount, "en"), euros(total, "en"))
        } else {
            format!("Je hebt hiermee {} verdiend. In totaal heb je nu {}.", euros(amount, "nl"), euros(total, "nl"))
        });
    }
    lines.push(encouragement(streak, more, en));
    let heading = if en { format!("Thank you, {name}!") } else { format!("Dank je wel, {name}!") };
    let go_on = match (more, en) {
        (true, true) => "On to the next questionnaire",
        (true, false) => "Verder naar de volgende vragenlijst",
        (false, true) => "To my overview",
        (false, false) => "Naar mijn overzicht",
    };
    let mut links = vec![json!({"href": "/p", "label": go_on, "primary": true})];
    links.extend(student_links(&me, false));
    render(
        state,
        "p_info",
        &json!({"lang": me.lang, "title": "koers", "heading": heading, "paragraphs": lines, "links": links, "form": false,
                "streak": streak, "earned": euros(total, me.lang), "t": if en { json!({"earned": "Earned so far", "streak": "In a row"}) } else { json!({"earned": "Tot nu toe verdiend", "streak": "Keer op rij"}) }}),
    )
}

/// Never punitive: a first answer after a gap is welcomed, a streak is praised. With another
/// questionnaire open now (`more`) there is no "see you next week".
fn encouragement(streak: i32, more: bool, en: bool) -> String {
    match (streak, en) {
        (s, true) if s >= 3 => format!("{s} times in a row. Great going!"),
        (s, false) if s >= 3 => format!("Al {s} keer op rij. Goed bezig!"),
        (2, true) => "Twice in a row. Nice!".into(),
        (2, false) => "Twee keer op rij. Mooi!".into(),
        (_, true) if more => "Good to have you here. There is one more for you now.".into(),
        (_, false) if more => "Fijn dat je meedoet. Er staat nog een vragenlijst voor je klaar.".into(),
        (_, true) => "Good to have you here. See you next week!".into(),
        (_, false) => "Fijn dat je meedoet. Tot volgende week!".into(),
    }
}

/// The mentor's students with what is still to do this week on top. Mentors see whether a
/// student answered, never what.
async fn mentor_overview(state: &AppState, me: &Me) -> Page {
    let (rows, own) = mentor_rows(state, me).await?;
    let name = me.person.first_name.clone().unwrap_or_default();
    let en = me.lang == "en";
    let todo: Vec<&Value> = rows.iter().filter(|r| r["todo"] == json!(true)).collect();
    let rest: Vec<&Value> = rows.iter().filter(|r| r["todo"] != json!(true)).collect();
    let t = if en {
        json!({"hello": format!("Hi {name}!"), "todo": "Still to do this week", "rest": "Your students", "none_todo": "Nothing to fill in right now. Thank you!",
               "fill": "Fill in", "student_done": "answered this week", "student_open": "not answered yet", "student_none": "no questionnaire yet",
               "you_done": "your diary is done", "you_none": "no diary open", "own": "A questionnaire about yourself"})
    } else {
        json!({"hello": format!("Hoi {name}!"), "todo": "Nog te doen deze week", "rest": "Je studenten", "none_todo": "Er is nu niets in te vullen. Dank je wel!",
               "fill": "Invullen", "student_done": "heeft deze week ingevuld", "student_open": "heeft nog niet ingevuld", "student_none": "nog geen vragenlijst",
               "you_done": "jouw dagboek is klaar", "you_none": "geen dagboek open", "own": "Een vragenlijst over jezelf"})
    };
    let anything = !todo.is_empty() || !own.is_empty();
    render(
        state,
        "p_mentor",
        &json!({"lang": me.lang, "title": "koers", "t": t, "todo": todo, "rest": rest, "own": own, "anything": anything}),
    )
}

/// One row per student the mentor answers about, and the mentor's own open questionnaires
/// (intake, closing) as links.
async fn mentor_rows(state: &AppState, me: &Me) -> Result<(Vec<Value>, Vec<String>), HttpResponse> {
    let mentor = me.person.id;
    let now = state.clock.now();
    let (subs, mine, names, done) = db(state, false, move |c| {
        let subs = part::active_subscriptions_of(c, mentor)?;
        let students: Vec<i64> = subs.iter().filter_map(|s| s.4).collect();
        let mine = part::windows_of(c, mentor, now - MAX_GRACE, now)?;
        let names = part::names(c, &students)?;
        let mut done = std::collections::HashMap::new();
        for s in &students {
            done.insert(*s, part::done_this_week(c, *s, "diary", now)?);
        }
        Ok((subs, mine, names, done))
    })
    .await?;
    let mut rows = Vec::new();
    for student in subs.iter().filter_map(|s| s.4) {
        let name = names.get(&student).map(|(n, _)| n.clone()).unwrap_or_default();
        let about: Vec<&ResponseRef> = mine.iter().filter(|r| r.about_student == Some(student)).collect();
        let open = about.iter().find(|r| is_open(state, r, now));
        let completed = about.iter().any(|r| r.completed_at.is_some() && r.close_at > now);
        rows.push(json!({
            "name": name,
            "todo": open.is_some(),
            "href": open.map(|r| format!("/p/r/{}", r.response_id)).unwrap_or_default(),
            "you_done": completed,
            "student": match done.get(&student).copied().flatten() { Some(true) => "done", Some(false) => "open", None => "none" },
            "student_done": done.get(&student).copied().flatten() == Some(true),
            "student_open": done.get(&student).copied().flatten() == Some(false),
        }));
    }
    rows.sort_by_key(|r| (r["todo"] != json!(true), r["name"].as_str().unwrap_or("").to_string()));
    let own = mine
        .iter()
        .filter(|r| r.about_student.is_none() && is_open(state, r, now))
        .map(|r| format!("/p/r/{}", r.response_id))
        .collect();
    Ok((rows, own))
}

async fn mentor_thanks(state: &AppState, me: &Me, r: &ResponseRef) -> Page {
    let (rows, own) = mentor_rows(state, me).await?;
    let next = rows.iter().find(|row| row["todo"] == json!(true));
    let en = me.lang == "en";
    let about = match r.about_student {
        Some(s) => {
            let names = db(state, false, move |c| part::names(c, &[s])).await?;
            names.get(&s).map(|(n, _)| n.clone()).unwrap_or_default()
        }
        None => String::new(),
    };
    let mut lines = vec![if en {
        format!("Saved. Thank you for your diary about {about}.")
    } else {
        format!("Opgeslagen. Dank je wel voor je dagboek over {about}.")
    }];
    if about.is_empty() {
        lines = vec![if en { "Saved. Thank you!".into() } else { "Opgeslagen. Dank je wel!".into() }];
    }
    let mut links = Vec::new();
    if let Some(n) = next {
        let label = if en {
            format!("Next: {}", n["name"].as_str().unwrap_or(""))
        } else {
            format!("Volgende: {}", n["name"].as_str().unwrap_or(""))
        };
        links.push(json!({"href": n["href"], "label": label, "primary": true}));
    } else if let Some(href) = own.first() {
        let label = if en { "Next: a questionnaire about yourself" } else { "Volgende: een vragenlijst over jezelf" };
        links.push(json!({"href": href, "label": label, "primary": true}));
    } else {
        lines.push(if en {
            "That was everything for this week.".into()
        } else {
            "Dat was alles voor deze week.".into()
        });
    }
    links.push(json!({"href": "/p", "label": if en { "To my overview" } else { "Naar mijn overzicht" }}));
    info(state, me, (if en { "Thank you!" } else { "Dank je wel!" }, lines), links)
}

/// Consent: the first thing a person answers. Under-16s give their parent's or carer's number.
async fn consent(state: web::Data<AppState>, req: HttpRequest, form: web::Form<Vec<(String, String)>>) -> HttpResponse {
    done(consent_inner(&state, &req, form.into_inner()).await)
}

async fn consent_inner(state: &AppState, req: &HttpRequest, fields: Vec<(String, String)>) -> Page {
    let (me, consent) = me_and(state, req, |c, p| consent_of(c, p.id)).await?;
    if !csrf_ok(&me.session, &fields) {
        return Err(csrf_refused(state, me.lang));
    }
    if !matches!(consent, Consent::Needed) {
        return Ok(see_other("/p"));
    }
    let (_, q) = questionnaire(state, consent_key(&me.person.role).into()).await?;
    let now = state.clock.now();
    let ctx = consent_context(me.lang, now, now.with_timezone(&me.zone).date_naive());
    let submission = Submission { fields: fields.clone(), started_at: None, user_agent: None };
    let rejected = |errors: Vec<koers_core::questionnaire::submit::FieldError>, kept: Vec<(String, String)>| -> Page {
        let mut input = base_input(&me, "/p/toestemming".into());
        input.today = Some(ctx.today);
        input.kept = kept;
        input.errors = errors;
        let body = render_page(&state.templates, &q, &input).map_err(|_| unavailable(state, me.lang))?;
        Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body))
    };
    let accepted = match validate_submission(&q, &submission, &ctx) {
        Ok(a) => a,
        Err(r) => return rejected(r.errors, r.kept),
    };
    let choice = |id: &str| -> Option<String> {
        accepted.answers.iter().find(|a| a.key == id).and_then(|a| match &a.value {
            koers_core::questionnaire::submit::Value::Choice(c) => Some(c.clone()),
            koers_core::questionnaire::submit::Value::Choices(cs) => cs.first().cloned(),
            koers_core::questionnaire::submit::Value::Text(t) => Some(t.clone()),
            _ => None,
        })
    };
    let under_16 = choice("consent_age_under_16").as_deref() == Some("yes");
    let guardian_phone = if under_16 {
        let raw = choice("consent_guardian_phone").unwrap_or_default();
        match koers_core::phone::normalise_mobile(&raw) {
            Ok(p) => Some(p),
            Err(_) => {
                let message = if me.lang == "en" {
                    "We need a mobile number for your parent or carer, for example 06 12345678."
                } else {
                    "We hebben een mobiel nummer van je ouder of verzorger nodig, bijvoorbeeld 06 12345678."
                };
                let error = koers_core::questionnaire::submit::FieldError {
                    key: "consent_guardian_phone".into(),
                    message: message.into(),
                };
                return rejected(vec![error], fields.into_iter().filter(|(k, _)| k != "csrf").collect());
            }
        }
    } else {
        None
    };
    let share_contact = choice("share_contact").as_deref() == Some("yes");
    let person_id = me.person.id;
    let version = q.version.clone();
    db(state, true, move |c| {
        part::record_consent(c, person_id, CONSENT_PARTICIPANT, &version, now)?;
        if share_contact {
            part::record_consent(c, person_id, CONSENT_SHARE_CONTACT, &version, now)?;
        }
        if let Some(phone) = guardian_phone {
            part::record_consent(c, person_id, CONSENT_GUARDIAN_NEEDED, &version, now)?;
            part::ask_guardian(c, person_id, &phone, now)?;
        }
        Ok(())
    })
    .await?;
    Ok(see_other("/p"))
}

/// Who the student's mentor is, and their number if the mentor agreed to share it.
async fn my_mentor(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    done(my_mentor_inner(&state, &req).await)
}

async fn my_mentor_inner(state: &AppState, req: &HttpRequest) -> Page {
    let me = me(state, req).await?;
    let id = me.person.id;
    let mentor = db(state, false, move |c| part::mentor_of(c, id)).await?;
    let en = me.lang == "en";
    let lines = match &mentor {
        Some((_, name, _, Some(phone))) => vec![
            if en { format!("Your mentor is {name}.") } else { format!("Je begeleider is {name}.") },
            if en {
                format!("You can call or text {name} on {phone}.")
            } else {
                format!("Je kunt {name} bellen of een bericht sturen: {phone}.")
            },
        ],
        Some((_, name, _, None)) => vec![
            if en { format!("Your mentor is {name}.") } else { format!("Je begeleider is {name}.") },
            if en {
                format!("You can talk to {name} at school or where you usually meet.")
            } else {
                format!("Je kunt {name} spreken op school of waar jullie elkaar meestal zien.")
            },
        ],
        None => vec![if en {
            "You have no mentor in the study right now. Ask at school who can help you.".into()
        } else {
            "Je hebt nu geen begeleider in het onderzoek. Vraag op school wie je kan helpen.".into()
        }],
    };
    info(
        state,
        &me,
        (if en { "Your mentor" } else { "Je begeleider" }, lines),
        vec![json!({"href": "/p", "label": if en { "Back" } else { "Terug" }})],
    )
}

/// Stopping: asked once, kindly, with the closing questionnaire offered first.
async fn stop_page(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    done(stop_page_inner(&state, &req).await)
}

async fn stop_page_inner(state: &AppState, req: &HttpRequest) -> Page {
    let me = me(state, req).await?;
    let en = me.lang == "en";
    let lines = if en {
        vec![
            "You can stop at any time, without giving a reason.".to_string(),
            "If you stop, we ask you one last short questionnaire. After that you get no more text messages from us."
                .to_string(),
        ]
    } else {
        vec![
            "Je mag altijd stoppen, zonder uitleg.".to_string(),
            "Als je stopt, vragen we je nog één laatste korte vragenlijst. Daarna krijg je geen sms meer van ons."
                .to_string(),
        ]
    };
    render(
        state,
        "p_info",
        &json!({"lang": me.lang, "title": "koers", "heading": if en { "Stop taking part?" } else { "Stoppen met meedoen?" }, "paragraphs": lines,
                "links": [{"href": "/p", "label": if en { "No, I'll keep going" } else { "Nee, ik doe verder mee" }, "primary": true}],
                "form": {"action": "/p/stoppen", "csrf": me.session.csrf_token, "button": if en { "Yes, I want to stop" } else { "Ja, ik wil stoppen" }}}),
    )
}

async fn stop(state: web::Data<AppState>, req: HttpRequest, form: web::Form<Vec<(String, String)>>) -> HttpResponse {
    done(stop_inner(&state, &req, form.into_inner()).await)
}

async fn stop_inner(state: &AppState, req: &HttpRequest, fields: Vec<(String, String)>) -> Page {
    let me = me(state, req).await?;
    if !csrf_ok(&me.session, &fields) {
        return Err(csrf_refused(state, me.lang));
    }
    match stop_participation(state, &me, "unsubscribed").await? {
        Some(closing) => Ok(see_other(&format!("/p/r/{closing}"))),
        None => info(state, &me, ended_texts(me.lang), vec![]),
    }
}

/// A parent's or carer's session: only the consent for their child.
async fn guardian(state: &AppState, req: &HttpRequest) -> Result<(SessionRow, i64), HttpResponse> {
    match session::current(state, req, SessionKind::Guardian).await {
        Ok(Some(s)) => match s.subject {
            Subject::GuardianOf(student) => Ok((s, student)),
            _ => Err(not_found(state, "nl")),
        },
        Ok(None) => Err(message(
            state,
            StatusCode::UNAUTHORIZED,
            "nl",
            "Open de link uit uw sms",
            &["U komt hier via de link in de sms die u van ons kreeg."],
        )),
        Err(_) => Err(unavailable(state, "nl")),
    }
}

async fn guardian_page(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    done(guardian_page_inner(&state, &req).await)
}

async fn guardian_page_inner(state: &AppState, req: &HttpRequest) -> Page {
    let (s, student) = guardian(state, req).await?;
    let answered = db(state, false, move |c| {
        Ok(part::has_consent(c, student, CONSENT_GUARDIAN)?
            || part::has_consent(c, student, CONSENT_GUARDIAN_DECLINED)?)
    })
    .await?;
    if answered {
        return Err(message(state, StatusCode::OK, "nl", "Dank u wel", &["Uw antwoord is opgeslagen."]));
    }
    let (_, q) = questionnaire(state, "guardian_consent".into()).await?;
    let input = PageInput {
        lang: "nl".into(),
        fallback_lang: "nl".into(),
        action: "/g".into(),
        csrf: s.csrf_token.clone(),
        today: Some(state.clock.now().date_naive()),
        first_time: true,
        ..Default::default()
    };
    let body = render_page(&state.templates, &q, &input).map_err(|_| unavailable(state, "nl"))?;
    Ok(html(StatusCode::OK, body))
}

async fn guardian_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    done(guardian_submit_inner(&state, &req, form.into_inner()).await)
}

async fn guardian_submit_inner(state: &AppState, req: &HttpRequest, fields: Vec<(String, String)>) -> Page {
    let (s, student) = guardian(state, req).await?;
    if !csrf_ok(&s, &fields) {
        return Err(csrf_refused(state, "nl"));
    }
    let (_, q) = questionnaire(state, "guardian_consent".into()).await?;
    let now = state.clock.now();
    let ctx = consent_context("nl", now, now.date_naive());
    let submission = Submission { fields, started_at: None, user_agent: None };
    let accepted = match validate_submission(&q, &submission, &ctx) {
        Ok(a) => a,
        Err(r) => {
            let input = PageInput {
                lang: "nl".into(),
                fallback_lang: "nl".into(),
                action: "/g".into(),
                csrf: s.csrf_token.clone(),
                kept: r.kept,
                errors: r.errors,
                today: Some(ctx.today),
                first_time: true,
                ..Default::default()
            };
            let body = render_page(&state.templates, &q, &input).map_err(|_| unavailable(state, "nl"))?;
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body));
        }
    };
    let agreed = accepted.answers.iter().any(|a| {
        a.key == "guardian_agree" && a.value == koers_core::questionnaire::submit::Value::Choice("agree".into())
    });
    let version = q.version.clone();
    db(state, true, move |c| {
        let kind = if agreed { CONSENT_GUARDIAN } else { CONSENT_GUARDIAN_DECLINED };
        part::record_consent(c, student, kind, &version, now)
    })
    .await?;
    let line = if agreed {
        "Uw kind kan nu meedoen. Dank u wel voor uw toestemming."
    } else {
        "Uw kind doet niet mee en krijgt geen vragen van ons. Dank u wel voor uw antwoord."
    };
    Err(message(state, StatusCode::OK, "nl", "Dank u wel", &[line]))
}
