//! What HTTP answers mean for sending: retry later, or give up on this message.

use crate::gateway::SendError;
use reqwest::StatusCode;

/// 429 and 5xx (and 408) are the gateway's trouble: try again later. Other 4xx mean this
/// message will never go through as it is.
pub fn classify(status: StatusCode, body: &str) -> SendError {
    let detail = format!("HTTP {}: {}", status.as_u16(), body.chars().take(300).collect::<String>());
    if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::REQUEST_TIMEOUT || status.is_server_error() {
        SendError::Transient(detail)
    } else {
        SendError::Permanent(detail)
    }
}

/// Network errors and timeouts: the message may or may not have reached the gateway.
pub fn transport(e: reqwest::Error) -> SendError {
    // No URL in the message: it can hold credentials or a number.
    SendError::Transient(e.without_url().to_string())
}

pub fn client(timeout: std::time::Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(std::time::Duration::from_secs(5))
        .pool_max_idle_per_host(32)
        .build()
        .expect("HTTP client")
}

/// Sends a request and reads a successful answer's body; a failed one becomes the right
/// [`SendError`] through [`classify`].
pub async fn answer(request: reqwest::RequestBuilder) -> Result<String, SendError> {
    let resp = request.send().await.map_err(transport)?;
    let status = resp.status();
    let text = resp.text().await.map_err(transport)?;
    if status.is_success() {
        Ok(text)
    } else {
        Err(classify(status, &text))
    }
}

/// Like [`answer`], then reads the body as JSON.
pub async fn json_answer<T: serde::de::DeserializeOwned>(request: reqwest::RequestBuilder) -> Result<T, SendError> {
    let text = answer(request).await?;
    serde_json::from_str(&text).map_err(|e| SendError::Transient(format!("unreadable answer: {e}")))
}
