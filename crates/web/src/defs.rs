//! Parsed questionnaires and protocols, kept per version: parsing YAML on every page view would
//! cost more than the rest of the request. A version never changes, so the cache never goes stale.

use koers_core::content::content_hash;
use koers_core::protocol::{parse_protocol, Protocol};
use koers_core::questionnaire::{parse_questionnaire, Questionnaire};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Definitions {
    questionnaires: Mutex<HashMap<i64, Arc<Questionnaire>>>,
    protocols: Mutex<HashMap<String, Option<Arc<Protocol>>>>,
}

impl Definitions {
    /// The questionnaire stored under `id`, parsed once.
    /// A questionnaire version parsed before, if it was.
    pub fn cached_questionnaire(&self, id: i64) -> Option<Arc<Questionnaire>> {
        self.questionnaires.lock().ok()?.get(&id).cloned()
    }

    pub fn questionnaire(&self, id: i64, key: &str, content: &str) -> Option<Arc<Questionnaire>> {
        if let Some(q) = self.questionnaires.lock().ok()?.get(&id) {
            return Some(q.clone());
        }
        let parsed = Arc::new(parse_questionnaire(content, Some(key)).ok()?.0);
        self.questionnaires.lock().ok()?.insert(id, parsed.clone());
        Some(parsed)
    }

    /// A protocol by its content, parsed once per version.
    pub fn protocol(&self, content: &str) -> Option<Arc<Protocol>> {
        let hash = content_hash(content);
        let mut cache = self.protocols.lock().ok()?;
        cache.entry(hash).or_insert_with(|| parse_protocol(content).ok().map(|(p, _)| Arc::new(p))).clone()
    }
}
