//! Each gateway against a mock server that speaks the provider's real request format.

use koers_messaging::messagebird::MessageBird;
use koers_messaging::twilio::Twilio;
use koers_messaging::webhook::{signature, Webhook};
use koers_messaging::{Lookup, OutgoingSms, SendError, SmsGateway};
use std::time::Duration;
use wiremock::matchers::{body_json, body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn sms() -> OutgoingSms {
    OutgoingSms {
        to: "+31612345678".into(),
        sender: "Koers".into(),
        body: "Hoi Sanne: https://k/l/x".into(),
        reference: "inv-42".into(),
    }
}

#[tokio::test]
async fn messagebird_gets_the_documented_request_and_its_id_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/messages"))
        .and(header("Authorization", "AccessKey test_key"))
        .and(body_json(serde_json::json!({
            "originator": "Koers", "recipients": ["31612345678"], "body": "Hoi Sanne: https://k/l/x",
            "reference": "inv-42", "reportUrl": "https://koers.example/hooks/sms/messagebird/s3cret",
        })))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": "mb-1", "reference": "inv-42"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let g = MessageBird::new(
        &server.uri(),
        "test_key",
        Some("https://koers.example/hooks/sms/messagebird/s3cret".into()),
        Duration::from_secs(2),
    );
    assert_eq!(g.send(&sms()).await.unwrap().gateway_message_id, "mb-1");
}

#[tokio::test]
async fn gateway_answers_are_sorted_into_retry_later_and_give_up() {
    for (status, transient) in [(500, true), (503, true), (429, true), (422, false), (401, false)] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_string("{\"errors\":[]}"))
            .mount(&server)
            .await;
        let g = MessageBird::new(&server.uri(), "k", None, Duration::from_secs(2));
        let err = g.send(&sms()).await.unwrap_err();
        assert_eq!(matches!(err, SendError::Transient(_)), transient, "HTTP {status}: {err}");
    }
}

#[tokio::test]
async fn a_gateway_that_does_not_answer_in_time_is_a_transient_failure() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let g = MessageBird::new(&server.uri(), "k", None, Duration::from_millis(300));
    assert!(matches!(g.send(&sms()).await.unwrap_err(), SendError::Transient(_)));
}

#[tokio::test]
async fn messagebird_finds_a_lost_message_by_our_reference() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/messages"))
        .and(query_param("recipient", "31612345678"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "items": [{"id": "mb-0", "reference": "inv-41"}, {"id": "mb-7", "reference": "inv-42"}]
        })))
        .mount(&server)
        .await;
    let g = MessageBird::new(&server.uri(), "k", None, Duration::from_secs(2));
    assert_eq!(g.lookup(&sms()).await.unwrap(), Lookup::Known(Some("mb-7".into())));
    let other = OutgoingSms { reference: "inv-99".into(), ..sms() };
    assert_eq!(g.lookup(&other).await.unwrap(), Lookup::Known(None));
}

#[tokio::test]
async fn twilio_gets_a_form_with_basic_auth() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2010-04-01/Accounts/AC1/Messages.json"))
        .and(header("Authorization", "Basic QUMxOnRva2Vu"))
        .and(body_string_contains("To=%2B31612345678"))
        .and(body_string_contains("StatusCallback="))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"sid": "SM123"})))
        .expect(1)
        .mount(&server)
        .await;
    let g = Twilio::new(
        &server.uri(),
        "AC1",
        "token",
        Some("https://koers.example/hooks/sms/twilio".into()),
        Duration::from_secs(2),
    );
    assert_eq!(g.send(&sms()).await.unwrap().gateway_message_id, "SM123");
    assert_eq!(g.lookup(&sms()).await.unwrap(), Lookup::Unsupported, "Twilio has no client reference to look up");
}

#[tokio::test]
async fn the_webhook_body_is_signed() {
    let server = MockServer::start().await;
    let expected_body = serde_json::to_vec(&serde_json::json!({"to": "+31612345678", "sender": "Koers", "body": "Hoi Sanne: https://k/l/x", "reference": "inv-42"})).unwrap();
    Mock::given(method("POST"))
        .and(header("X-Koers-Signature", signature("shared", &expected_body).as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "w-1"})))
        .expect(1)
        .mount(&server)
        .await;
    let g = Webhook::new(&server.uri(), "shared", Duration::from_secs(2));
    assert_eq!(g.send(&sms()).await.unwrap().gateway_message_id, "w-1");
}
