//! A gateway that prints messages instead of sending them: for the demo and development.

use crate::gateway::{OutgoingSms, SendFuture, SendReceipt, SmsGateway};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct ConsoleGateway {
    sent: AtomicU64,
}

impl ConsoleGateway {
    pub fn new() -> Self {
        Self::default()
    }

    /// How a message looks on the console; the number is masked like everywhere else.
    pub fn format(sms: &OutgoingSms) -> String {
        format!("[sms to {} from {}] {}", koers_core::phone::masked(&sms.to), sms.sender, sms.body)
    }
}

impl SmsGateway for ConsoleGateway {
    fn name(&self) -> &'static str {
        "console"
    }

    fn is_test(&self) -> bool {
        true
    }

    fn send<'a>(&'a self, sms: &'a OutgoingSms) -> SendFuture<'a> {
        Box::pin(async move {
            let n = self.sent.fetch_add(1, Ordering::Relaxed) + 1;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", Self::format(sms));
            Ok(SendReceipt { gateway_message_id: format!("console-{n}") })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn prints_and_gives_each_message_its_own_id() {
        let g = ConsoleGateway::new();
        let sms = OutgoingSms {
            to: "+31612345678".into(),
            sender: "Koers".into(),
            body: "Hoi Sanne".into(),
            reference: "1".into(),
        };
        assert_eq!(ConsoleGateway::format(&sms), "[sms to …678 from Koers] Hoi Sanne");
        let a = g.send(&sms).await.unwrap();
        let b = g.send(&sms).await.unwrap();
        assert_ne!(a.gateway_message_id, b.gateway_message_id);
    }
}
