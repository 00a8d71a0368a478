//! koers-web: the actix-web application. Pages are server-rendered from handlebars templates
//! embedded in the binary, so a single file serves everything and no CDN is involved.

pub mod api;
pub mod dashboard;
pub mod defs;
pub mod hooks;
pub mod limits;
pub mod login;
pub mod ops;
pub mod page_error;
pub mod pages;
pub mod participant;
pub mod preview;
pub mod questionnaire_page;
pub mod render;
pub mod session;
pub mod staff;
pub mod state;
pub mod two_factor;
pub mod words;

pub use state::AppState;

use actix_web::{middleware, web, App, HttpServer};

/// Headers every response carries: a strict CSP (no inline script or style, nothing from other
/// origins) and no referrer, because participants' URLs hold their personal tokens.
pub fn security_headers() -> middleware::DefaultHeaders {
    middleware::DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"))
}

/// Routes of the whole application.
pub fn configure(cfg: &mut web::ServiceConfig) {
    pages::configure(cfg);
    participant::configure(cfg);
    hooks::configure(cfg);
    ops::configure(cfg);
    preview::configure(cfg);
    staff::configure(cfg);
    two_factor::configure(cfg);
    dashboard::configure(cfg);
    api::configure(cfg);
}

/// The whole application as `koers serve` runs it: routes, security headers, compression and
/// request metrics. The rehearsal calls the same builder in-process.
pub fn app(
    data: web::Data<AppState>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(data)
        .wrap(security_headers())
        .wrap(middleware::Compress::default())
        .wrap(middleware::from_fn(ops::track))
        .configure(configure)
}

/// Serves until the process is asked to stop; in-flight requests get time to finish.
pub async fn serve(state: AppState, bind: &str) -> std::io::Result<()> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    // Storage work runs on blocking threads; more of them than connections only adds threads
    // queueing for the pool (under load that contention cost more than the queries).
    let blocking = (state.db.pool_size() as usize).div_ceil(workers).max(1);
    let data = web::Data::new(state);
    HttpServer::new(move || app(data.clone()))
        .workers(workers)
        .worker_max_blocking_threads(blocking)
        .shutdown_timeout(20)
        .bind(bind)?
        .run()
        .await
}
