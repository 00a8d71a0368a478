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

/// What a gateway knows of a message sent earlier whose outcome we lost (a crash between the
/// call and recording its answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The gateway was asked: `Some(id)` it has the message, `None` it never got it.
    Known(Option<String>),
    /// This gateway cannot tell; the message must not be resent blindly.
    Unsupported,
}

pub type LookupFuture<'a> = Pin<Box<dyn Future<Output = Result<Lookup, SendError>> + Send + 'a>>;

pub trait SmsGateway: Send + Sync {
    /// A short name for records and metrics (`console`, `messagebird`, ...).
    fn name(&self) -> &'static str;
    /// Whether this gateway never reaches a real phone (the console, a recorder). Only such a
    /// gateway may carry the messages of a test-mode study.
    fn is_test(&self) -> bool {
        false
    }
    fn send<'a>(&'a self, sms: &'a OutgoingSms) -> SendFuture<'a>;
    /// Looks a message up by our reference, for reconciliation.
    fn lookup<'a>(&'a self, _sms: &'a OutgoingSms) -> LookupFuture<'a> {
        Box::pin(async { Ok(Lookup::Unsupported) })
    }
}
