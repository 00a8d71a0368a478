//! A protocol with `channel: email` invites people with an address by e-mail, over real SMTP
//! (a small SMTP server in the test), and everyone else by SMS.

use chrono::{TimeDelta, TimeZone, Utc};
use koers_core::clock::FixedClock;
use koers_core::people::Role;
use koers_scheduler::{Scheduler, SchedulerConfig};
use koers_store::schedule::{self, NewInvitation};
use koers_store::testing::TestDb;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Accepts mail like a relay and keeps each message's recipients and data.
async fn smtp_sink() -> (String, Arc<Mutex<Vec<(Vec<String>, String)>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let mails = Arc::new(Mutex::new(Vec::new()));
    let keep = mails.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { return };
            let keep = keep.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let (mut rcpt, mut data, mut in_data) = (Vec::new(), String::new(), false);
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            keep.lock().unwrap().push((std::mem::take(&mut rcpt), std::mem::take(&mut data)));
                            write.write_all(b"250 queued as 1\r\n").await.unwrap();
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let upper = line.to_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        rcpt.push(line[8..].trim().trim_matches(['<', '>']).to_string());
                        b"250 ok\r\n"
                    } else if upper.starts_with("DATA") {
                        in_data = true;
                        b"354 go on\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (url, mails)
}

#[tokio::test(flavor = "multi_thread")]
async fn mentors_with_an_address_get_their_link_by_email() {
    let (url, mails) = smtp_sink().await;
    let t = TestDb::sqlite();
    let now = Utc.with_ymd_and_hms(2026, 10, 1, 10, 0, 0).unwrap();
    {
        let mut c = t.db.conn().unwrap();
        let at = koers_store::testing::seed_study(&mut c, "s", now).unwrap();
        for (name, phone, email) in
            [("Joris", "+31687654321", Some("joris@school.example")), ("Fatima", "+31687654322", None)]
        {
            let person = koers_store::testing::seed_person(&mut c, at, Role::Mentor, name, phone, email, now).unwrap();
            schedule::ensure_invitation(
                &mut c,
                &NewInvitation {
                    person_id: person,
                    response_id: None,
                    dedupe_key: "diary:1:invite",
                    kind: koers_core::invitation::InvitationKind::Invite,
                    channel: koers_core::protocol::Channel::Email,
                    due_at: now,
                    expires_at: Some(now + TimeDelta::hours(30)),
                },
                now,
            )
            .unwrap();
        }
    }
    let sms = Arc::new(koers_messaging::ConsoleGateway::new());
    let scheduler = Scheduler {
        db: t.db.clone(),
        real_clock: Arc::new(FixedClock::new(now)),
        test_gateway: Arc::new(koers_messaging::ConsoleGateway::new()),
        gateway: sms,
        email: Some(Arc::new(
            koers_messaging::email::Smtp::new(&url, "Koers <noreply@koers.example>", Duration::from_secs(5)).unwrap(),
        )),
        config: SchedulerConfig {
            base_url: "https://koers.example".into(),
            sender: "Koers".into(),
            secret: b"0123456789abcdef0123456789abcdef".to_vec(),
            worker_id: "t".into(),
            messages_per_second: 100,
            max_attempts: 3,
            claim_timeout: TimeDelta::minutes(2),
            throttle: false,
            apply_retention: true,
            only_study: None,
        },
    };
    let report = scheduler.tick().await.unwrap();
    assert_eq!(report.dispatched.sent, 2);
    let mails = mails.lock().unwrap().clone();
    assert_eq!(mails.len(), 1, "only Joris has an address; Fatima gets an SMS");
    assert_eq!(mails[0].0, ["joris@school.example"]);
    assert!(mails[0].1.contains("Subject: Je vragen van deze week"), "{}", mails[0].1);
    // The body is quoted-printable: undo soft line breaks and escaped '='.
    let body = mails[0].1.replace("=\n", "").replace("=3D", "=");
    assert!(body.contains("Hoi Joris") && body.contains("https://koers.example/l/"), "{body}");
    use diesel::prelude::*;
    use koers_store::schema::invitations;
    let gateways: Vec<Option<String>> = invitations::table
        .order(invitations::id)
        .select(invitations::gateway)
        .load(&mut *t.db.conn().unwrap())
        .unwrap();
    assert_eq!(gateways, [Some("smtp".to_string()), Some("console".to_string())]);
}
