//! What every request handler can reach.

use crate::defs::Definitions;
use crate::limits::Limits;
use crate::render::Templates;
use koers_core::clock::Clock;
use koers_core::settings::Settings;
use koers_store::Database;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    /// Real time: staff sessions, API tokens, audit entries, rate limits, health. A study's own
    /// decisions use its clock instead (`koers_core::clock::StudyClock`, read from the
    /// database with the person or study a request is about).
    pub real_clock: Arc<dyn Clock>,
    pub settings: Settings,
    pub templates: Arc<Templates>,
    /// Links printed by `serve --demo`, shown on the landing page of a demo only.
    pub demo_links: Vec<DemoLink>,
    /// Questionnaires can be tried out at /preview (the demo, test installations).
    pub preview: bool,
    /// Rate limits on personal links and staff login (shared by every worker thread).
    pub limits: Arc<Limits>,
    /// Parsed questionnaires and protocols by version.
    pub definitions: Arc<Definitions>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoLink {
    pub label: String,
    pub url: String,
}

impl AppState {
    pub fn new(db: Database, real_clock: Arc<dyn Clock>, settings: Settings) -> Self {
        let limits = Arc::new(Limits::default().trusting(&settings.trusted_proxies).with_clock(real_clock.clone()));
        Self {
            db,
            real_clock,
            settings,
            templates: Arc::new(Templates::new()),
            demo_links: Vec::new(),
            preview: false,
            limits,
            definitions: Arc::new(Definitions::default()),
        }
    }
}
