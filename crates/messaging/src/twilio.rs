//! Twilio's Messages API: form-encoded, basic auth, StatusCallback; and the check of the
//! signature Twilio puts on its status callbacks.

use crate::gateway::{OutgoingSms, SendFuture, SendReceipt, SmsGateway};
use crate::http::{client, json_answer};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use std::time::Duration;

pub struct Twilio {
    base_url: String,
    account_sid: String,
    auth_token: String,
    status_callback: Option<String>,
    http: reqwest::Client,
}

impl Twilio {
    /// `base_url` is `https://api.twilio.com` in production.
    pub fn new(
        base_url: &str,
        account_sid: &str,
        auth_token: &str,
        status_callback: Option<String>,
        timeout: Duration,
    ) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_string(),
            account_sid: account_sid.to_string(),
            auth_token: auth_token.to_string(),
            status_callback,
            http: client(timeout),
        }
    }
}

#[derive(Deserialize)]
struct Created {
    sid: String,
}

impl SmsGateway for Twilio {
    fn name(&self) -> &'static str {
        "twilio"
    }

    fn send<'a>(&'a self, sms: &'a OutgoingSms) -> SendFuture<'a> {
        Box::pin(async move {
            let mut form = vec![("To", sms.to.as_str()), ("From", sms.sender.as_str()), ("Body", sms.body.as_str())];
            if let Some(cb) = &self.status_callback {
                form.push(("StatusCallback", cb.as_str()));
            }
            let request = self
                .http
                .post(format!("{}/2010-04-01/Accounts/{}/Messages.json", self.base_url, self.account_sid))
                .basic_auth(&self.account_sid, Some(&self.auth_token))
                .form(&form);
            let created: Created = json_answer(request).await?;
            Ok(SendReceipt { gateway_message_id: created.sid })
        })
    }
}

/// Twilio signs a callback with HMAC-SHA1 over the full URL followed by every POST parameter
/// name and value, sorted by name, keyed with the auth token, in base64.
pub fn valid_signature(auth_token: &str, url: &str, params: &[(String, String)], signature: &str) -> bool {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut data = url.to_string();
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(auth_token.as_bytes()) else { return false };
    mac.update(data.as_bytes());
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(signature) else { return false };
    mac.verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_over_url_and_sorted_parameters_is_accepted_and_a_changed_one_is_not() {
        let params =
            vec![("MessageStatus".to_string(), "delivered".to_string()), ("MessageSid".to_string(), "SM1".to_string())];
        let url = "https://koers.example/hooks/sms/twilio";
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(b"token").unwrap();
        mac.update(b"https://koers.example/hooks/sms/twilioMessageSidSM1MessageStatusdelivered");
        let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        assert!(valid_signature("token", url, &params, &sig));
        assert!(!valid_signature("other", url, &params, &sig));
        let mut tampered = params.clone();
        tampered[0].1 = "failed".into();
        assert!(!valid_signature("token", url, &tampered, &sig));
    }
}
