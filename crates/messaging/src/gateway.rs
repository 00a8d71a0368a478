//! The contract every SMS gateway keeps.

use std::future::Future;
use std::pin::Pin;

/// One text message to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingSms {
    /// E.164.
    pub to: String,
    /// The neutral sender name or number.
    pub sender: String,
    pub body: String,
    /// Our idempotency reference (the invitation's id), passed to gateways that keep one, so
    /// an uncertain send can be looked up instead of repeated.
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendReceipt {
    /// The gateway's own id for the message, for delivery reports and reconciliation.
    pub gateway_message_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later: 5xx, 429, timeouts, connection errors.
    #[error("temporary gateway failure: {0}")]
    Transient(String),
    /// Will fail again: an invalid number, a refused sender, bad credentials.
    #[error("the gateway refused the message: {0}")]
    Permanent(String),
}

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<SendReceipt, SendError>> + Send + 'a>>;

pub trait SmsGateway: Send + Sync {
    /// A short name for records and metrics (`console`, `messagebird`, ...).
    fn name(&self) -> &'static str;
    fn send<'a>(&'a self, sms: &'a OutgoingSms) -> SendFuture<'a>;
}
