//! Access tokens: `POST /api/v1/token` exchanges a staff password or an API key for a JWT
//! (HS256, 15 minutes), and every other endpoint takes it as `Authorization: Bearer ...`.
//!
//! The signing key is derived from the installation secret (HMAC-SHA256 of a fixed label), so
//! the secret itself never signs anything and a leaked token key does not give away the key of
//! the personal links or the pseudonyms. Tokens name their issuer (the installation's base URL)
//! and audience (`koers-api`); expiry is checked against the [`Clock`](koers_core::clock::Clock),
//! never the system clock, so tests and a study's test mode see the same time as everything else.
//!
//! A token is only a claim: every request looks the account up again (disabled accounts,
//! revoked sessions and revoked API keys stop at once) and narrows the token's scopes to what
//! the account's roles give now.
//!
//! A password is checked like on the login page ([`crate::login`]): the same limits per address
//! and per account, and an account with a second factor sends its current code as `totp`. An
//! account that must have a second factor but has none set up gets no token for its password
//! until it has set one up at `/staff/login`; API keys (made on the command line by whoever
//! runs the installation) need no second factor.

use super::problem::{InvalidParam, Problem};
use super::scopes::{Access, Scope, Scopes, Teams};
use super::{no_store, read, write};
use crate::login::{Password, SecondFactor};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, TimeDelta, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use koers_core::settings::Settings;
use koers_store::{access, api_keys, audit, staff, DbConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The `aud` of every token; a token made for anything else is refused.
pub const AUDIENCE: &str = "koers-api";
/// How long a token lasts.
pub const TOKEN_SECONDS: i64 = 900;
/// Longer `Authorization` headers and token request bodies are refused unread.
const MAX_TOKEN_BYTES: usize = 4096;
const MAX_BODY_BYTES: usize = 4096;

/// The key that signs and checks access tokens.
pub fn jwt_key(secret: &str) -> Vec<u8> {
    koers_core::keyed::derive_key(secret.as_bytes(), "koers api jwt").to_vec()
}

/// The installation secret, or the 503 that says the API cannot work without one.
pub fn secret_or_unavailable(state: &AppState) -> Result<String, Problem> {
    state.settings.installation_secret().map(str::to_string).ok_or_else(|| {
        tracing::error!("api: the installation has no usable secret key; set KOERS_SECRET_KEY");
        Problem::unavailable()
    })
}

/// What a token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The staff account's id.
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    /// Space-separated scopes.
    pub scope: String,
    /// The API key the token was exchanged for, if any: its revocation ends the token too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<i64>,
}

/// A signed token for an account.
pub fn issue(
    settings: &Settings,
    secret: &str,
    staff_id: i64,
    scopes: Scopes,
    key: Option<i64>,
    now: DateTime<Utc>,
) -> Result<String, Problem> {
    let claims = Claims {
        iss: settings.base_url.clone(),
        aud: AUDIENCE.into(),
        sub: staff_id.to_string(),
        iat: now.timestamp(),
        exp: (now + TimeDelta::seconds(TOKEN_SECONDS)).timestamp(),
        scope: scopes.to_string(),
        key,
    };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(&jwt_key(secret))).map_err(
        |e| {
            tracing::error!(error = %e, "api: cannot sign a token");
            Problem::unavailable()
        },
    )
}

/// Checks signature, algorithm, issuer and audience; expiry is checked by the caller against
/// the Clock (jsonwebtoken would read the system clock).
pub fn decode(settings: &Settings, secret: &str, token: &str) -> Option<Claims> {
    let mut v = Validation::new(Algorithm::HS256);
    v.validate_exp = false;
    v.validate_nbf = false;
    v.leeway = 0;
    v.set_audience(&[AUDIENCE]);
    v.set_issuer(&[settings.base_url.as_str()]);
    v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(&jwt_key(secret)), &v).ok().map(|d| d.claims)
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub staff_id: i64,
    /// The token's scopes, narrowed to what the account's roles give now.
    pub scopes: Scopes,
    /// What the account's roles give now, study by study and team by team.
    pub access: Access,
    pub api_key: Option<i64>,
}

impl Caller {
    /// 403 unless the token carries the scope.
    pub fn require(&self, scope: Scope) -> Result<(), Problem> {
        if self.scopes.has(scope) {
            Ok(())
        } else {
            Err(Problem::missing_scope(scope.as_str()))
        }
    }

    /// What the caller may do in one study.
    pub fn in_study(&self, study_id: i64) -> Scopes {
        self.scopes.and(self.access.in_study(study_id))
    }

    /// The teams of a study whose rows a request needing `scope` may see; `None` when the
    /// caller may not (the token or the roles lack it).
    pub fn teams_for(&self, study_id: i64, scope: Scope) -> Option<Teams> {
        if !self.in_study(study_id).has(scope) {
            return None;
        }
        self.access.teams_for(study_id, scope)
    }

    /// The audit log's actor.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.staff_id)
    }
}

fn bearer(req: &HttpRequest) -> Result<&str, Problem> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Err(Problem::unauthorized("This operation needs an access token (Authorization: Bearer ...).", None));
    };
    let invalid = || Problem::unauthorized("The access token is not valid.", Some("invalid_token"));
    if value.len() > MAX_TOKEN_BYTES {
        return Err(invalid());
    }
    let value = value.to_str().map_err(|_| invalid())?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => Ok(token.trim()),
        _ => Err(invalid()),
    }
}

/// The caller behind a request's bearer token: 401 without one, or with one that is not valid,
/// has expired, or belongs to an account or API key that can no longer be used.
pub async fn caller(state: &AppState, req: &HttpRequest) -> Result<Caller, Problem> {
    let token = bearer(req)?;
    let secret = secret_or_unavailable(state)?;
    let invalid = || Problem::unauthorized("The access token is not valid.", Some("invalid_token"));
    let claims = decode(&state.settings, &secret, token).ok_or_else(invalid)?;
    let now = state.real_clock.now();
    if claims.exp <= now.timestamp() {
        return Err(Problem::unauthorized("The access token has expired; ask for a new one.", Some("invalid_token")));
    }
    let staff_id: i64 = claims.sub.parse().map_err(|_| invalid())?;
    let key = claims.key;
    let found = read(state, move |c| {
        let Some(account) = staff::account(c, staff_id)? else { return Ok(None) };
        if account.disabled_at.is_some() {
            return Ok(None);
        }
        // Sessions revoked, a new password, a role removed: tokens issued until then stop. A
        // token of the very second of the change stops too (`iat` has whole seconds).
        if account.tokens_not_before.is_some_and(|t| claims.iat <= t.and_utc().timestamp()) {
            return Ok(None);
        }
        if let Some(id) = key {
            let usable = api_keys::find(c, id)?.is_some_and(|k| k.staff_id == staff_id && k.usable_at(now));
            if !usable {
                return Ok(None);
            }
        }
        Ok(Some(access::access_of(c, staff_id)?))
    })
    .await?;
    let access = found.ok_or_else(invalid)?;
    let scopes = Scopes::parse(&claims.scope).and(access.overall());
    Ok(Caller { staff_id, scopes, access, api_key: key })
}

/// What `POST /api/v1/token` takes: a staff account's e-mail address and password, or an API key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[schema(max_length = 254)]
    pub email: Option<String>,
    #[schema(max_length = 1024)]
    pub password: Option<String>,
    #[schema(max_length = 100)]
    pub api_key: Option<String>,
    /// With `email` and `password`: the current code of the account's second factor (six
    /// digits), for accounts that have one.
    #[schema(max_length = 20)]
    pub totp: Option<String>,
}

/// An access token (RFC 6749's token response).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer ...`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
    /// The scopes the token carries, space-separated.
    pub scope: String,
}

enum Credentials {
    Password { email: String, password: String, totp: Option<String> },
    ApiKey(String),
}

fn credentials(body: &[u8]) -> Result<Credentials, Problem> {
    let parsed: TokenRequest = serde_json::from_slice(body).map_err(|e| {
        Problem::invalid(vec![InvalidParam {
            name: "body".into(),
            reason: format!("not a token request: {}", e.classify_words()),
        }])
    })?;
    match parsed {
        TokenRequest { email: Some(email), password: Some(password), api_key: None, totp } => {
            if email.len() > 254 || password.len() > 1024 {
                return Err(Problem::invalid_param("email", "the e-mail address or password is too long"));
            }
            if totp.as_ref().is_some_and(|t| t.len() > 20) {
                return Err(Problem::invalid_param("totp", "the code is too long"));
            }
            Ok(Credentials::Password { email, password, totp })
        }
        TokenRequest { email: None, password: None, api_key: Some(key), totp: None } => Ok(Credentials::ApiKey(key)),
        _ => Err(Problem::invalid_param("body", "send either email and password, or api_key")),
    }
}

/// A short description of a JSON error that does not echo the input back.
trait ClassifyWords {
    fn classify_words(&self) -> &'static str;
}

impl ClassifyWords for serde_json::Error {
    fn classify_words(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => "the body is not JSON",
            serde_json::error::Category::Data => "unknown or wrongly typed fields",
            serde_json::error::Category::Io => "the body could not be read",
        }
    }
}

/// An account's scopes after a successful login or key check, and the audit entry of it.
fn grant_token(
    c: &mut DbConnection,
    account: &staff::StaffAccount,
    asked: Scopes,
    via: &str,
    key: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Scopes, Problem> {
    let scopes = asked.and(access::access_of(c, account.id)?.overall());
    if scopes.is_empty() {
        return Err(Problem::forbidden("This account has no role that gives access to the API."));
    }
    audit::record(
        c,
        now,
        &audit::Entry {
            actor: &format!("staff:{}", account.id),
            actor_staff_id: Some(account.id),
            action: "api.token",
            target_kind: Some("staff"),
            target_id: Some(account.id),
            details: serde_json::json!({"via": via, "api_key_id": key, "scope": scopes.to_string()}),
            ..Default::default()
        },
    )?;
    Ok(scopes)
}

#[utoipa::path(
    post,
    path = "/api/v1/token",
    operation_id = "create_token",
    tag = "auth",
    request_body(content = TokenRequest, content_type = "application/json",
        description = "Either `email` and `password` of a staff account, or `api_key`."),
    responses(
        (status = 200, description = "An access token for 15 minutes.", body = TokenResponse),
        (status = 401, description = "The credentials do not match, or the second factor's code is missing or wrong.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account has no role the API serves, or must set up a second factor first.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 4 KiB.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The body is not a token request.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address, or for this account.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The server cannot answer now.", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
pub async fn token(state: web::Data<AppState>, req: HttpRequest, body: web::Payload) -> Result<HttpResponse, Problem> {
    if !state.limits.login_allowed(&req) {
        return Err(Problem::too_many_requests());
    }
    let body = body
        .to_bytes_limited(MAX_BODY_BYTES)
        .await
        .map_err(|_| Problem::new(actix_web::http::StatusCode::PAYLOAD_TOO_LARGE, "The body is larger than 4 KiB."))?;
    let body = body.map_err(|_| Problem::invalid_param("body", "the body could not be read"))?;
    let creds = credentials(&body)?;
    let secret = secret_or_unavailable(&state)?;
    let now = state.real_clock.now();
    let granted = match creds {
        Credentials::Password { email, password, totp } => {
            let account = match crate::login::check_password(&state, &req, &email, &password, "api").await? {
                Password::Throttled(wait) => return Err(account_throttled(wait)),
                Password::Wrong => {
                    return Err(Problem::unauthorized("The e-mail address and password do not match an account.", None))
                }
                Password::Right { next: SecondFactor::Enrol, .. } => {
                    return Err(Problem::forbidden(
                        "This account must log in with a second factor; set it up by logging in at /staff/login first.",
                    ))
                }
                Password::Right { account, next: SecondFactor::Code } => {
                    let Some(code) = totp.filter(|t| !t.trim().is_empty()) else {
                        return Err(Problem::unauthorized(
                            "This account logs in with a second factor: send its current code as `totp`.",
                            None,
                        ));
                    };
                    match crate::login::check_code(&state, &req, &account, &code, "api").await? {
                        Ok(()) => account,
                        Err(Some(wait)) => return Err(account_throttled(wait)),
                        Err(None) => {
                            return Err(Problem::unauthorized("The code of the second factor is not right.", None))
                        }
                    }
                }
                Password::Right { account, next: SecondFactor::None } => account,
            };
            write(&state, move |c| {
                let scopes = grant_token(c, &account, Scopes::all(), "password", None, now)?;
                Ok(Some((account.id, scopes, None)))
            })
            .await?
        }
        Credentials::ApiKey(plain) => {
            write(&state, move |c| {
                let Some(key) = api_keys::usable(c, &plain, now)? else { return Ok(None) };
                let Some(account) = staff::account(c, key.staff_id)?.filter(|a| a.disabled_at.is_none()) else {
                    return Ok(None);
                };
                let scopes = grant_token(c, &account, Scopes::parse(&key.scopes), "api_key", Some(key.id), now)?;
                Ok(Some((account.id, scopes, Some(key.id))))
            })
            .await?
        }
    };
    let wrong = "The API key is not valid, or has expired or been revoked.";
    let Some((staff_id, scopes, key)) = granted else { return Err(Problem::unauthorized(wrong, None)) };
    let access_token = issue(&state.settings, &secret, staff_id, scopes, key, now)?;
    let body = TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: TOKEN_SECONDS,
        scope: scopes.to_string(),
    };
    Ok(no_store(HttpResponse::Ok()).insert_header((header::PRAGMA, "no-cache")).json(body))
}

/// 429 for an account whose wrong attempts make it wait.
fn account_throttled(wait: TimeDelta) -> Problem {
    let seconds = wait.num_seconds().max(1);
    Problem {
        retry_after: Some(seconds.min(3600) as u32),
        ..Problem::new(
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
            format!("Too many wrong attempts for this account; try again in {seconds} seconds."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings { secret_key: Some("s".repeat(40)), base_url: "https://koers.example".into(), ..Settings::default() }
    }

    #[test]
    fn tokens_round_trip_and_refuse_another_key_issuer_or_audience() {
        let s = settings();
        let secret = s.installation_secret().unwrap().to_string();
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 10, 15, 10, 0, 0).unwrap();
        let t = issue(&s, &secret, 7, Scopes::parse("export"), Some(3), now).unwrap();
        let c = decode(&s, &secret, &t).unwrap();
        assert_eq!((c.sub.as_str(), c.scope.as_str(), c.key, c.exp - c.iat), ("7", "export", Some(3), 900));
        assert!(decode(&s, &"t".repeat(40), &t).is_none(), "another installation's token");
        let elsewhere = Settings { base_url: "https://other.example".into(), ..s.clone() };
        assert!(decode(&elsewhere, &secret, &t).is_none(), "another issuer");
        let mut claims = c.clone();
        claims.aud = "something-else".into();
        let other_aud =
            jsonwebtoken::encode(&Header::default(), &claims, &EncodingKey::from_secret(&jwt_key(&secret))).unwrap();
        assert!(decode(&s, &secret, &other_aud).is_none());
        use base64::Engine;
        let payload = t.split('.').nth(1).unwrap();
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let none_alg = format!("{header}.{payload}.");
        assert!(decode(&s, &secret, &none_alg).is_none(), "alg none");
    }

    #[test]
    fn the_token_key_is_not_the_secret() {
        let secret = "s".repeat(40);
        assert_ne!(jwt_key(&secret), secret.as_bytes());
        assert_eq!(jwt_key(&secret).len(), 32);
    }
}
