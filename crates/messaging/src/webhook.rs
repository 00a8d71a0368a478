//! A generic JSON webhook for gateways koers does not know: the body is signed with HMAC-SHA256
//! so the receiver can check it came from koers.

use crate::gateway::{OutgoingSms, SendError, SendFuture, SendReceipt, SmsGateway};
use crate::http::{answer, client};
use std::time::Duration;

pub struct Webhook {
    url: String,
    secret: String,
    http: reqwest::Client,
}

impl Webhook {
    pub fn new(url: &str, secret: &str, timeout: Duration) -> Self {
        Self { url: url.to_string(), secret: secret.to_string(), http: client(timeout) }
    }
}

/// `sha256=HEX` of the body, keyed with the shared secret.
pub fn signature(secret: &str, body: &[u8]) -> String {
    format!("sha256={}", hex::encode(koers_core::keyed::hmac_sha256(secret.as_bytes(), body)))
}

impl SmsGateway for Webhook {
    fn name(&self) -> &'static str {
        "webhook"
    }

    fn send<'a>(&'a self, sms: &'a OutgoingSms) -> SendFuture<'a> {
        Box::pin(async move {
            let body = serde_json::to_vec(&serde_json::json!({
                "to": sms.to, "sender": sms.sender, "body": sms.body, "reference": sms.reference,
            }))
            .map_err(|e| SendError::Permanent(e.to_string()))?;
            let request = self
                .http
                .post(&self.url)
                .header("Content-Type", "application/json")
                .header("X-Koers-Signature", signature(&self.secret, &body))
                .body(body);
            let text = answer(request).await?;
            let id = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("id").and_then(|i| i.as_str().map(str::to_string)))
                .unwrap_or_else(|| sms.reference.clone());
            Ok(SendReceipt { gateway_message_id: id })
        })
    }
}
