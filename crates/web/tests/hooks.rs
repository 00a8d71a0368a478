//! Delivery reports reach the invitation they are about, and forged ones are refused.

use actix_web::{test, web};
use base64::Engine;
use chrono::{TimeDelta, TimeZone, Utc};
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use koers_core::clock::FixedClock;
use koers_core::people::Role;
use koers_core::settings::Settings;
use koers_store::schedule::{self, NewInvitation};
use koers_store::schema::{delivery_reports, invitations};
use koers_store::sending::{self, Outcome};
use koers_store::testing::TestDb;
use koers_web::AppState;
use std::sync::Arc;

fn sent_invitation(db: &koers_store::Database, gateway: &str, message_id: &str) -> i64 {
    let now = Utc.with_ymd_and_hms(2026, 10, 1, 10, 0, 0).unwrap();
    let mut c = db.conn().unwrap();
    let at = koers_store::testing::seed_study(&mut c, "s", now).unwrap();
    let person = koers_store::testing::seed_person(&mut c, at, Role::Student, "S", "+31612345678", None, now).unwrap();
    schedule::ensure_invitation(
        &mut c,
        &NewInvitation {
            person_id: person,
            response_id: None,
            dedupe_key: "k:invite",
            kind: koers_core::invitation::InvitationKind::Invite,
            channel: koers_core::protocol::Channel::Sms,
            due_at: now,
            expires_at: Some(now + TimeDelta::hours(30)),
        },
        now,
    )
    .unwrap();
    let id = schedule::claim_due(&mut c, "w", at.study_id, now, now, 1).unwrap()[0];
    sending::finish_attempt(&mut c, id, None, Outcome::Sent { gateway, message_id }, now).unwrap();
    id
}

fn status(db: &koers_store::Database, id: i64) -> String {
    invitations::table.find(id).select(invitations::status).first(&mut *db.conn().unwrap()).unwrap()
}

fn state(db: &koers_store::Database) -> AppState {
    let mut settings = Settings { base_url: "https://koers.example".into(), ..Settings::default() };
    settings.sms.report_secret = Some("report-secret-123".into());
    settings.sms.auth_token = Some("twilio-token".into());
    AppState::new(db.clone(), Arc::new(FixedClock::new(Utc::now())), settings)
}

#[actix_web::test]
async fn a_messagebird_report_on_the_secret_path_marks_the_message_delivered() {
    let t = TestDb::sqlite();
    let id = sent_invitation(&t.db, "messagebird", "mb-1");
    let app = test::init_service(koers_web::app(web::Data::new(state(&t.db)))).await;

    let wrong = test::TestRequest::get().uri("/hooks/sms/messagebird/guess?id=mb-1&status=delivered").to_request();
    assert_eq!(test::call_service(&app, wrong).await.status(), 404);
    assert_eq!(status(&t.db, id), "sent", "a report on a wrong path changes nothing");

    let ok = test::TestRequest::get()
        .uri("/hooks/sms/messagebird/report-secret-123?id=mb-1&reference=koers-1&status=delivered")
        .to_request();
    assert_eq!(test::call_service(&app, ok).await.status(), 200);
    assert_eq!(status(&t.db, id), "delivered");
    let reports: i64 = delivery_reports::table.count().get_result(&mut *t.db.conn().unwrap()).unwrap();
    assert_eq!(reports, 1);
}

fn twilio_signature(url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut data = url.to_string();
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(b"twilio-token").unwrap();
    mac.update(data.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[actix_web::test]
async fn a_twilio_callback_needs_a_valid_signature() {
    let t = TestDb::postgres();
    let id = sent_invitation(&t.db, "twilio", "SM42");
    let app = test::init_service(koers_web::app(web::Data::new(state(&t.db)))).await;
    let params = [("MessageSid", "SM42"), ("MessageStatus", "undelivered"), ("ErrorCode", "30003")];
    let forged = test::TestRequest::post()
        .uri("/hooks/sms/twilio")
        .insert_header(("X-Twilio-Signature", "bm90IHJlYWw="))
        .set_form(params)
        .to_request();
    assert_eq!(test::call_service(&app, forged).await.status(), 403);
    assert_eq!(status(&t.db, id), "sent");

    let signed = test::TestRequest::post()
        .uri("/hooks/sms/twilio")
        .insert_header(("X-Twilio-Signature", twilio_signature("https://koers.example/hooks/sms/twilio", &params)))
        .set_form(params)
        .to_request();
    assert_eq!(test::call_service(&app, signed).await.status(), 200);
    assert_eq!(status(&t.db, id), "undelivered");
}

fn reports(db: &koers_store::Database) -> i64 {
    delivery_reports::table.count().get_result(&mut *db.conn().unwrap()).unwrap()
}

/// A report is bound to the gateway and message it is about: the webhook's secret does not let
/// anyone move a message Twilio sent, nor one MessageBird sent under another id; and the same
/// report twice (a gateway's retry, or a replay) counts once.
async fn reports_are_bound_and_counted_once(t: TestDb) {
    let twilio = sent_invitation(&t.db, "twilio", "SM42");
    let app = test::init_service(koers_web::app(web::Data::new(state(&t.db)))).await;
    let forged = test::TestRequest::post()
        .uri("/hooks/sms/webhook/report-secret-123")
        .set_json(serde_json::json!({"reference": format!("koers-{twilio}"), "status": "delivery_failed"}))
        .to_request();
    assert_eq!(test::call_service(&app, forged).await.status(), 200);
    assert_eq!(status(&t.db, twilio), "sent", "another gateway's report does not reach Twilio's message");
    let other_id = test::TestRequest::post()
        .uri("/hooks/sms/webhook/report-secret-123")
        .set_json(serde_json::json!({"id": "SM42", "status": "delivery_failed"}))
        .to_request();
    assert_eq!(test::call_service(&app, other_id).await.status(), 200);
    assert_eq!(status(&t.db, twilio), "sent", "Twilio's message id reported by the webhook");

    let mut c = t.db.conn().unwrap();
    let mb = {
        let now = Utc.with_ymd_and_hms(2026, 10, 1, 10, 0, 0).unwrap();
        let person: i64 = invitations::table.find(twilio).select(invitations::person_id).first(&mut *c).unwrap();
        let study: i64 = koers_store::schema::people::table
            .find(person)
            .select(koers_store::schema::people::study_id)
            .first(&mut *c)
            .unwrap();
        schedule::ensure_invitation(
            &mut c,
            &NewInvitation {
                person_id: person,
                response_id: None,
                dedupe_key: "k2:invite",
                kind: koers_core::invitation::InvitationKind::Invite,
                channel: koers_core::protocol::Channel::Sms,
                due_at: now,
                expires_at: Some(now + TimeDelta::hours(30)),
            },
            now,
        )
        .unwrap();
        let id = schedule::claim_due(&mut c, "w", study, now, now, 1).unwrap()[0];
        sending::finish_attempt(&mut c, id, None, Outcome::Sent { gateway: "messagebird", message_id: "mb-7" }, now)
            .unwrap();
        id
    };
    drop(c);
    let wrong_message = test::TestRequest::get()
        .uri(&format!("/hooks/sms/messagebird/report-secret-123?id=mb-other&reference=koers-{mb}&status=delivered"))
        .to_request();
    assert_eq!(test::call_service(&app, wrong_message).await.status(), 200);
    assert_eq!(status(&t.db, mb), "sent", "a report of another message of the same gateway");

    let before = reports(&t.db);
    let failed =
        format!("/hooks/sms/messagebird/report-secret-123?id=mb-7&reference=koers-{mb}&status=delivery_failed");
    for _ in 0..3 {
        let r = test::TestRequest::get().uri(&failed).to_request();
        assert_eq!(test::call_service(&app, r).await.status(), 200, "a repeat is answered, so the gateway stops");
    }
    assert_eq!(status(&t.db, mb), "undelivered");
    assert_eq!(reports(&t.db), before + 1, "the same report three times is kept once");
}

#[actix_web::test]
async fn delivery_reports_are_bound_to_their_gateway_and_message_and_counted_once_sqlite() {
    reports_are_bound_and_counted_once(TestDb::sqlite()).await;
}

#[actix_web::test]
async fn delivery_reports_are_bound_to_their_gateway_and_message_and_counted_once_postgres() {
    reports_are_bound_and_counted_once(TestDb::postgres()).await;
}
