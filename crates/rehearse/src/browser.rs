//! A phone's browser, in-process: requests go to the same actix application `koers serve` runs,
//! through its whole HTTP handling (routing, forms, cookies, CSRF), without a socket. Each
//! person has their own cookie jar.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header;
use actix_web::test::{self, TestRequest};
use std::collections::BTreeMap;

/// What a page answered.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    /// The address the browser ended up at after following redirects.
    pub path: String,
    pub body: String,
}

impl Page {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// One person's browser: their cookies, and the user agent of a cheap phone.
#[derive(Debug, Default, Clone)]
pub struct Browser {
    cookies: BTreeMap<String, String>,
    pub user_agent: String,
}

impl Browser {
    pub fn new(user_agent: &str) -> Self {
        Browser { cookies: BTreeMap::new(), user_agent: user_agent.to_string() }
    }

    /// Forgets every cookie (a new device, or a session that was lost).
    pub fn clear(&mut self) {
        self.cookies.clear();
    }

    fn request(&self, r: TestRequest) -> actix_http::Request {
        let mut r = r.insert_header((header::USER_AGENT, self.user_agent.clone()));
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            r = r.insert_header((header::COOKIE, jar.join("; ")));
        }
        r.to_request()
    }

    fn keep_cookies<B>(&mut self, res: &ServiceResponse<B>) {
        for c in res.response().cookies() {
            let expired = c.max_age().is_some_and(|a| a.is_zero()) || c.value().is_empty();
            if expired {
                self.cookies.remove(c.name());
            } else {
                self.cookies.insert(c.name().to_string(), c.value().to_string());
            }
        }
    }

    async fn follow<S, B>(&mut self, app: &S, mut req: actix_http::Request, mut path: String) -> Page
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        for _ in 0..8 {
            let res = test::call_service(app, req).await;
            self.keep_cookies(&res);
            let status = res.status();
            if status.is_redirection() {
                let to = res.headers().get(header::LOCATION).and_then(|l| l.to_str().ok()).unwrap_or("/").to_string();
                path = to.clone();
                req = self.request(TestRequest::get().uri(&to));
                continue;
            }
            let body = test::read_body(res).await;
            return Page { status: status.as_u16(), path, body: String::from_utf8_lossy(&body).into_owned() };
        }
        Page { status: 508, path, body: "too many redirects".into() }
    }

    pub async fn get<S, B>(&mut self, app: &S, path: &str) -> Page
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let req = self.request(TestRequest::get().uri(path));
        self.follow(app, req, path.to_string()).await
    }

    /// Posts a form as a browser does (urlencoded) and follows the answer's redirects.
    pub async fn post<S, B>(&mut self, app: &S, path: &str, fields: &[(String, String)]) -> Page
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let body = serde_urlencoded::to_string(fields).unwrap_or_default();
        let req = self.request(
            TestRequest::post()
                .uri(path)
                .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
                .set_payload(body),
        );
        self.follow(app, req, path.to_string()).await
    }
}
