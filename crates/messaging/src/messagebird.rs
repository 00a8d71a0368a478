//! MessageBird's REST messages API: `POST /messages` with `Authorization: AccessKey ...`.

use crate::gateway::{OutgoingSms, SendFuture, SendReceipt, SmsGateway};
use crate::http::{client, json_answer};
use serde::Deserialize;
use std::time::Duration;

pub struct MessageBird {
    base_url: String,
    access_key: String,
    report_url: Option<String>,
    http: reqwest::Client,
}

impl MessageBird {
    /// `base_url` is `https://rest.messagebird.com` in production, a mock's address in tests.
    pub fn new(base_url: &str, access_key: &str, report_url: Option<String>, timeout: Duration) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_string(),
            access_key: access_key.to_string(),
            report_url,
            http: client(timeout),
        }
    }
}

#[derive(Deserialize)]
struct Created {
    id: String,
}

#[derive(Deserialize)]
struct Listed {
    #[serde(default)]
    items: Vec<ListedItem>,
}

#[derive(Deserialize)]
struct ListedItem {
    id: String,
    #[serde(default)]
    reference: Option<String>,
}

impl SmsGateway for MessageBird {
    fn name(&self) -> &'static str {
        "messagebird"
    }

    fn send<'a>(&'a self, sms: &'a OutgoingSms) -> SendFuture<'a> {
        Box::pin(async move {
            let mut body = serde_json::json!({
                "originator": sms.sender,
                "recipients": [sms.to.trim_start_matches('+')],
                "body": sms.body,
                "reference": sms.reference,
            });
            if let Some(url) = &self.report_url {
                body["reportUrl"] = serde_json::Value::String(url.clone());
            }
            let request = self
                .http
                .post(format!("{}/messages", self.base_url))
                .header("Authorization", format!("AccessKey {}", self.access_key))
                .json(&body);
            let created: Created = json_answer(request).await?;
            Ok(SendReceipt { gateway_message_id: created.id })
        })
    }

    fn lookup<'a>(&'a self, sms: &'a OutgoingSms) -> crate::gateway::LookupFuture<'a> {
        Box::pin(async move {
            let request = self
                .http
                .get(format!("{}/messages", self.base_url))
                .header("Authorization", format!("AccessKey {}", self.access_key))
                .query(&[("recipient", sms.to.trim_start_matches('+')), ("limit", "50")]);
            let listed: Listed = json_answer(request).await?;
            Ok(crate::gateway::Lookup::Known(
                listed.items.into_iter().find(|m| m.reference.as_deref() == Some(&sms.reference)).map(|m| m.id),
            ))
        })
    }
}
