//! A gateway that keeps every message in memory instead of sending it: for rehearsals, which
//! match each message to the person it was for and open its link as that person would.

use crate::gateway::{OutgoingSms, SendFuture, SendReceipt, SmsGateway};
use std::sync::{Arc, Mutex};

#[derive(Debug, Default, Clone)]
pub struct RecordingGateway {
    sent: Arc<Mutex<Vec<OutgoingSms>>>,
}

impl RecordingGateway {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every message sent since the last call, oldest first.
    pub fn take(&self) -> Vec<OutgoingSms> {
        std::mem::take(&mut *self.sent.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// How many messages wait to be taken.
    pub fn len(&self) -> usize {
        self.sent.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SmsGateway for RecordingGateway {
    fn name(&self) -> &'static str {
        "recording"
    }

    fn is_test(&self) -> bool {
        true
    }

    fn send<'a>(&'a self, sms: &'a OutgoingSms) -> SendFuture<'a> {
        Box::pin(async move {
            let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
            sent.push(sms.clone());
            Ok(SendReceipt { gateway_message_id: format!("recorded-{}", sms.reference) })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keeps_what_it_was_given_until_taken() {
        let g = RecordingGateway::new();
        let sms = OutgoingSms {
            to: "+31612345678".into(),
            sender: "Koers".into(),
            body: "Hoi".into(),
            reference: "koers-7".into(),
        };
        g.send(&sms).await.unwrap();
        assert!(g.is_test());
        assert_eq!(g.take(), vec![sms]);
        assert!(g.is_empty());
    }
}
