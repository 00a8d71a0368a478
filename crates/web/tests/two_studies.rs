//! Two studies on one installation, each with its own `student_diary` wording and its own
//! consent: each study's participants see their own, and each study's codebook holds only its
//! own versions (SQLite and PostgreSQL).

use diesel::prelude::*;
use koers_store::shipped::{self, Source};
use koers_store::testing::TestDb;
use koers_store::Database;
use study_support::{pages_of, person, study, thursday};

mod study_support;

const SHIPPED_ITEM: &str = "Ben je deze week naar school of stage geweest?";
const PILOT_ITEM: &str = "Ben je deze week bij de pilot geweest?";
const SHIPPED_CONSENT: &str = "Meedoen aan het onderzoek";
const PILOT_CONSENT: &str = "Meedoen aan de pilot";

/// The pilot's own instruments: its diary asks differently, and its student protocol names a
/// consent questionnaire of its own.
fn pilot_sources() -> (Vec<Source>, Vec<Source>) {
    let mut questionnaires = shipped::questionnaires();
    for q in &mut questionnaires {
        if q.path.ends_with("student_diary.yaml") {
            q.text = q.text.replace(SHIPPED_ITEM, PILOT_ITEM);
        }
    }
    let consent = shipped::questionnaires().into_iter().find(|q| q.path.ends_with("student_consent.yaml")).unwrap();
    questionnaires.push(Source {
        path: "pilot_consent.yaml".into(),
        text: consent
            .text
            .replace("key: student_consent", "key: pilot_consent")
            .replace(SHIPPED_CONSENT, PILOT_CONSENT),
    });
    let mut protocols = shipped::protocols();
    for p in &mut protocols {
        if p.path.ends_with("vsv_student.yaml") {
            p.text = p.text.replace("role: student\n", "role: student\nconsent: pilot_consent\n");
        }
    }
    (questionnaires, protocols)
}

fn codebook(db: &Database, study_id: i64) -> String {
    let req = koers_export::Request {
        kind: koers_export::Kind::Codebook,
        study_id,
        format: koers_export::Format::Csv,
        pseudonym_key: koers_export::pseudonym_key(b"two studies"),
        questionnaire: None,
        now: thursday(),
        teams: None,
    };
    let mut out = Vec::new();
    koers_export::export(&mut db.conn().unwrap(), &req, &mut out, &mut |_, _| {}).unwrap();
    String::from_utf8(out).unwrap()
}

#[actix_web::test]
async fn two_studies_each_see_and_export_only_their_own_diary_and_consent_on_both_databases() {
    for (name, t) in TestDb::both() {
        let db = &t.db;
        let main = study(db, "vsv", 1, (shipped::questionnaires(), shipped::protocols()));
        let pilot = study(db, "pilot", 2, pilot_sources());
        // The pilot's school calls a mentor a coach; the main study keeps "begeleider".
        let school = koers_store::studies::organisations_of(&mut db.conn().unwrap(), pilot).unwrap()[0].id;
        koers_store::studies::set_mentor_title(&mut db.conn().unwrap(), school, "coach").unwrap();
        koers_scheduler::plan::plan(db, thursday(), None).unwrap();

        let (consent, diary) = pages_of(db, person(db, "+31612345601")).await;
        assert!(consent.contains(SHIPPED_CONSENT) && !consent.contains(PILOT_CONSENT), "{name}: main consent");
        assert!(diary.contains(SHIPPED_ITEM) && !diary.contains(PILOT_ITEM), "{name}: main diary:\n{diary}");
        assert!(diary.contains("Heb je deze week met je begeleider gepraat?"), "{name}: the default title");

        let (consent, diary) = pages_of(db, person(db, "+31612345602")).await;
        assert!(consent.contains(PILOT_CONSENT) && !consent.contains(SHIPPED_CONSENT), "{name}: pilot consent");
        assert!(diary.contains(PILOT_ITEM) && !diary.contains(SHIPPED_ITEM), "{name}: pilot diary:\n{diary}");
        assert!(
            diary.contains("Heb je deze week met je coach gepraat?") && !diary.contains("je begeleider"),
            "{name}: the pilot school's own word for a mentor:\n{diary}"
        );

        let main_book = codebook(db, main);
        let pilot_book = codebook(db, pilot);
        assert!(main_book.contains(SHIPPED_ITEM) && !main_book.contains(PILOT_ITEM), "{name}: main codebook");
        assert!(pilot_book.contains(PILOT_ITEM) && !pilot_book.contains(SHIPPED_ITEM), "{name}: pilot codebook");

        // Loading the pilot's diary again into the main study would be a new version there only.
        let versions: Vec<(i64, String)> = {
            use koers_store::schema::questionnaires as q;
            q::table
                .filter(q::key.eq("student_diary"))
                .select((q::study_id, q::content_hash))
                .load(&mut *db.conn().unwrap())
                .unwrap()
        };
        assert_eq!(versions.len(), 2, "{name}: one diary version per study: {versions:?}");
        assert_ne!(versions[0].1, versions[1].1, "{name}: each study's own wording");
    }
}
