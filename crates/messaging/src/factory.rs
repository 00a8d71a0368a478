//! The gateway an installation's settings ask for.

use crate::{console::ConsoleGateway, messagebird::MessageBird, twilio::Twilio, webhook::Webhook, SmsGateway};
use koers_core::settings::SmsSettings;
use std::sync::Arc;
use std::time::Duration;

/// Builds the configured gateway; `base_url` is koers's own address, for delivery reports.
pub fn from_settings(sms: &SmsSettings, base_url: &str) -> Result<Arc<dyn SmsGateway>, String> {
    let timeout = Duration::from_secs(sms.timeout_seconds.max(1));
    let api = |default: &str| if sms.api_url.is_empty() { default.to_string() } else { sms.api_url.clone() };
    let report = |name: &str| sms.report_secret.as_ref().map(|s| format!("{base_url}/hooks/sms/{name}/{s}"));
    let need =
        |v: &Option<String>, name: &str| v.clone().filter(|s| !s.is_empty()).ok_or(format!("sms.{name} is not set"));
    Ok(match sms.gateway.as_str() {
        "console" => Arc::new(ConsoleGateway::new()),
        "messagebird" => Arc::new(MessageBird::new(
            &api("https://rest.messagebird.com"),
            &need(&sms.access_key, "access_key")?,
            report("messagebird"),
            timeout,
        )),
        "twilio" => Arc::new(Twilio::new(
            &api("https://api.twilio.com"),
            &need(&sms.account_sid, "account_sid")?,
            &need(&sms.auth_token, "auth_token")?,
            Some(format!("{base_url}/hooks/sms/twilio")),
            timeout,
        )),
        "webhook" => Arc::new(Webhook::new(
            &need(&sms.webhook_url, "webhook_url")?,
            &need(&sms.webhook_secret, "webhook_secret")?,
            timeout,
        )),
        other => return Err(format!("sms.gateway '{other}' is not one of console, messagebird, twilio, webhook")),
    })
}
