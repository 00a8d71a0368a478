//! E-mail invitations over SMTP, for mentors who would rather get their weekly link by mail.

use crate::gateway::{SendError, SendFuture, SendReceipt};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub reference: String,
}

pub trait EmailSender: Send + Sync {
    fn send<'a>(&'a self, email: &'a OutgoingEmail) -> SendFuture<'a>;
}

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    /// `url` as lettre reads it: `smtp://user:pass@host:587?tls=required`, `smtps://...`, or
    /// `smtp://host:25` without TLS for a relay on the same machine.
    pub fn new(url: &str, from: &str, timeout: Duration) -> Result<Self, String> {
        let from: Mailbox = from.parse().map_err(|e| format!("email.from '{from}' is not an address: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("email.smtp_url is not usable: {e}"))?
            .timeout(Some(timeout))
            .build();
        Ok(Self { transport, from })
    }
}

impl EmailSender for Smtp {
    fn send<'a>(&'a self, email: &'a OutgoingEmail) -> SendFuture<'a> {
        Box::pin(async move {
            let to: Mailbox = email
                .to
                .parse()
                .map_err(|e| SendError::Permanent(format!("the recipient address is not valid: {e}")))?;
            let message = Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(&email.subject)
                .header(lettre::message::header::ContentType::TEXT_PLAIN)
                .body(email.body.clone())
                .map_err(|e| SendError::Permanent(e.to_string()))?;
            match self.transport.send(message).await {
                Ok(response) => Ok(SendReceipt {
                    gateway_message_id: response
                        .message()
                        .next()
                        .map(str::to_string)
                        .unwrap_or_else(|| email.reference.clone()),
                }),
                Err(e) if e.is_permanent() => {
                    Err(SendError::Permanent(format!("the mail server refused the message: {e}")))
                }
                Err(e) => Err(SendError::Transient(format!("the mail server could not take the message now: {e}"))),
            }
        })
    }
}
