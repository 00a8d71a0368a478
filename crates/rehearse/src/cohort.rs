//! The synthetic cohort: students and mentors with names, numbers, groups, teams, start weeks and
//! what will happen to them, all drawn from the seed, so the same seed gives the same study.

use crate::patterns::{MentorPattern, Pattern};
use chrono::NaiveDate;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The two groups of the design, each an organisation of its own with two teams.
pub const ORGANISATIONS: [Organisation; 2] = [
    Organisation {
        key: "school-a",
        name: "School A (oefenstudie)",
        group: "control",
        teams: &["A Entree", "A Techniek"],
    },
    Organisation {
        key: "school-b",
        name: "School B (oefenstudie)",
        group: "at_risk",
        teams: &["B Zorg", "B Economie"],
    },
];

/// An organisation of the rehearsal: one group of the design, with one or more teams.
#[derive(Debug, Clone, Copy)]
pub struct Organisation {
    pub key: &'static str,
    pub name: &'static str,
    pub group: &'static str,
    pub teams: &'static [&'static str],
}

/// Made-up first and last names (deliberately common, so nothing points at a real person).
const FIRST: [(&str, &str); 24] = [
    ("Sanne", "female"),
    ("Daan", "male"),
    ("Yasmin", "female"),
    ("Milan", "male"),
    ("Noor", "female"),
    ("Kai", "other"),
    ("Lotte", "female"),
    ("Ravi", "male"),
    ("Emma", "female"),
    ("Bram", "male"),
    ("Fleur", "female"),
    ("Sem", "male"),
    ("Aylin", "female"),
    ("Jesse", "male"),
    ("Iris", "female"),
    ("Mohamed", "male"),
    ("Roos", "female"),
    ("Luuk", "male"),
    ("Zoë", "female"),
    ("Finn", "male"),
    ("Sara", "female"),
    ("Thijs", "male"),
    ("Lina", "female"),
    ("Robin", "other"),
];
const LAST: [&str; 16] = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Mulder",
    "de Boer",
    "Dekker",
    "Hendriks",
    "Meijer",
    "Bos",
    "Peters",
    "Kok",
    "Vermeulen",
    "Yilmaz",
    "Ramdin",
];

/// What will happen to a student, in weeks counted from the rehearsal's first week (0).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fate {
    /// Falling commitment and confidence start here (falling_dropout).
    pub falls_from: Option<u32>,
    /// The coordinator ends the participation in this week (falling_dropout).
    pub dropout_week: Option<u32>,
    /// `school_leaver` or `switcher`.
    pub dropout_kind: Option<&'static str>,
    /// The coordinator hands the student over to `handover_to` in this week.
    pub handover_week: Option<u32>,
    pub handover_to: Option<usize>,
    /// The coordinator withdraws the student in this week.
    pub withdraw_week: Option<u32>,
    /// The student stops by themselves in this week.
    pub stop_week: Option<u32>,
    /// Days the parent takes to answer (guardian patterns).
    pub guardian_days: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Student {
    pub index: usize,
    pub first_name: String,
    pub last_name: String,
    pub gender: &'static str,
    /// National form, as a school's administration writes it (`0612400001`).
    pub phone: String,
    pub parent_phone: Option<String>,
    pub organisation: usize,
    pub team: &'static str,
    pub mentor: usize,
    pub pattern: Pattern,
    /// The week (from 0) in which the student starts: a rolling start.
    pub start_week: u32,
    /// Where the student's sliders sit when nothing happens (0-100).
    pub level: f64,
    pub fate: Fate,
}

#[derive(Debug, Clone)]
pub struct Mentor {
    pub index: usize,
    pub first_name: String,
    pub last_name: String,
    pub gender: &'static str,
    pub phone: String,
    pub organisation: usize,
    pub team: &'static str,
    pub pattern: MentorPattern,
}

#[derive(Debug, Clone)]
pub struct Cohort {
    pub students: Vec<Student>,
    pub mentors: Vec<Mentor>,
    pub weeks: u32,
}

/// Numbers of a block no real subscriber is likely to hold; `batch` keeps a second cohort in
/// the same study apart from the first.
fn phone(block: u32, batch: u32, i: usize) -> String {
    format!("06{block}{}{:04}", batch % 10, i + 1)
}

impl Cohort {
    /// Draws a cohort: every pattern at least once when there are enough students, the rest by
    /// weight; mentors split over both organisations, students over the mentors of theirs.
    pub fn draw(students: usize, mentors: usize, weeks: u32, batch: u32, rng: &mut ChaCha8Rng) -> Cohort {
        Self::draw_in(&ORGANISATIONS, students, mentors, weeks, batch, rng)
    }

    /// [`Cohort::draw`] in the given two organisations (the first and second group).
    pub fn draw_in(
        orgs: &[Organisation; 2],
        students: usize,
        mentors: usize,
        weeks: u32,
        batch: u32,
        rng: &mut ChaCha8Rng,
    ) -> Cohort {
        let mentors = mentors.max(2).min(students.max(2));
        let mut patterns: Vec<Pattern> = Vec::with_capacity(students);
        let mut all = Pattern::ALL.to_vec();
        all.shuffle(rng);
        patterns.extend(all.into_iter().take(students));
        let total: u32 = Pattern::ALL.iter().map(|p| p.weight()).sum();
        while patterns.len() < students {
            let mut pick = rng.gen_range(0..total);
            for p in Pattern::ALL {
                if pick < p.weight() {
                    patterns.push(p);
                    break;
                }
                pick -= p.weight();
            }
        }
        patterns.shuffle(rng);

        let mentor_list: Vec<Mentor> = (0..mentors)
            .map(|i| {
                let (first, gender) = FIRST[(i * 7 + 3) % FIRST.len()];
                let organisation = i % 2;
                let weights_total: u32 = MentorPattern::WEIGHTS.iter().map(|w| w.1).sum();
                let mut pick = rng.gen_range(0..weights_total);
                let mut pattern = MentorPattern::Diligent;
                for (p, w) in MentorPattern::WEIGHTS {
                    if pick < w {
                        pattern = p;
                        break;
                    }
                    pick -= w;
                }
                Mentor {
                    index: i,
                    first_name: first.to_string(),
                    last_name: LAST[(i * 5 + 1) % LAST.len()].to_string(),
                    gender,
                    phone: phone(125, batch, i),
                    organisation,
                    team: orgs[organisation].teams[(i / 2) % orgs[organisation].teams.len().max(1)],
                    pattern,
                }
            })
            .collect();

        let mut next_of_org = [0usize; 2];
        let student_list: Vec<Student> = patterns
            .into_iter()
            .enumerate()
            .map(|(i, pattern)| {
                let organisation = i % 2;
                let of_org: Vec<&Mentor> = mentor_list.iter().filter(|m| m.organisation == organisation).collect();
                let mentor = of_org[next_of_org[organisation] % of_org.len()];
                next_of_org[organisation] += 1;
                let (first, gender) = FIRST[rng.gen_range(0..FIRST.len())];
                let start_week = match rng.gen_range(0..10) {
                    0..=6 => 0,
                    7 | 8 => 1,
                    _ => 2,
                }
                .min(weeks.saturating_sub(1));
                let mut fate = fate(pattern, start_week, weeks, mentor.index, &of_org, rng);
                // A handover needs a colleague in the same school; without one the student stays.
                let pattern = if pattern == Pattern::Handover && fate.handover_to.is_none() {
                    fate = Fate::default();
                    Pattern::Steady
                } else {
                    pattern
                };
                Student {
                    index: i,
                    first_name: first.to_string(),
                    last_name: LAST[rng.gen_range(0..LAST.len())].to_string(),
                    gender,
                    phone: phone(124, batch, i),
                    parent_phone: pattern.under_16().then(|| phone(126, batch, i)),
                    organisation,
                    team: mentor.team,
                    mentor: mentor.index,
                    pattern,
                    start_week,
                    level: rng.gen_range(55.0..80.0),
                    fate,
                }
            })
            .collect();
        Cohort { students: student_list, mentors: mentor_list, weeks }
    }

    /// The people file a school would hand in, in u-can-act's columns: one line per student and
    /// one per mentor-student pair. Everyone's participation ends after the last week.
    pub fn import_csv(&self, first_monday: NaiveDate) -> String {
        self.import_csv_ending(first_monday, true)
    }

    /// The people file; with `ends` false, participation runs on after the rehearsed weeks (the
    /// protocol's own length), as in the demo.
    pub fn import_csv_ending(&self, first_monday: NaiveDate, ends: bool) -> String {
        let end = if ends {
            (first_monday + chrono::TimeDelta::weeks(i64::from(self.weeks)) - chrono::TimeDelta::days(1)).to_string()
        } else {
            String::new()
        };
        let mut out = String::from(
            "type,team_name,role_title,first_name,last_name,gender,mobile_phone,email,protocol_name,start_date,filling_out_for,filling_out_for_protocol,end_date,locale\n",
        );
        let start_of = |week: u32| first_monday + chrono::TimeDelta::weeks(i64::from(week));
        for s in &self.students {
            out.push_str(&format!(
                "Student,{},Student,{},{},{},{},,vsv_student,{},,,{},nl\n",
                s.team,
                s.first_name,
                s.last_name,
                s.gender,
                s.phone,
                start_of(s.start_week),
                end
            ));
        }
        for s in &self.students {
            let m = &self.mentors[s.mentor];
            out.push_str(&format!(
                "Mentor,{},Mentor,{},{},{},{},,vsv_mentor,{},{},,{},nl\n",
                m.team,
                m.first_name,
                m.last_name,
                m.gender,
                m.phone,
                start_of(s.start_week),
                s.phone,
                end
            ));
        }
        out
    }
}

fn fate(
    pattern: Pattern,
    start_week: u32,
    weeks: u32,
    mentor: usize,
    colleagues: &[&Mentor],
    rng: &mut ChaCha8Rng,
) -> Fate {
    let mut f = Fate::default();
    // Something happens in the middle part of the student's time, never in their first week.
    let first = (start_week + 2).min(weeks.saturating_sub(1));
    let last = weeks.saturating_sub(2).max(first);
    let middle = |rng: &mut ChaCha8Rng| rng.gen_range(first..=last);
    match pattern {
        Pattern::FallingDropout => {
            let dropout = rng.gen_range((first + 3).min(last)..=last);
            f.dropout_week = Some(dropout);
            f.falls_from = Some(dropout.saturating_sub(rng.gen_range(3..=4)).max(start_week));
            f.dropout_kind = Some(if rng.gen_bool(0.6) { "school_leaver" } else { "switcher" });
        }
        Pattern::Handover => {
            f.handover_week = Some(middle(rng));
            f.handover_to = colleagues.iter().map(|m| m.index).find(|i| *i != mentor);
        }
        Pattern::Withdrawn => f.withdraw_week = Some(middle(rng)),
        Pattern::Stopped => f.stop_week = Some(middle(rng)),
        Pattern::GuardianDeclined => f.guardian_days = Some(rng.gen_range(1..=3)),
        Pattern::GuardianLate => f.guardian_days = Some(7),
        _ => {}
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn the_same_seed_draws_the_same_cohort_and_every_pattern_appears() {
        let a = Cohort::draw(30, 10, 12, 0, &mut ChaCha8Rng::seed_from_u64(7));
        let b = Cohort::draw(30, 10, 12, 0, &mut ChaCha8Rng::seed_from_u64(7));
        let first = NaiveDate::from_ymd_opt(2026, 9, 7).unwrap();
        assert_eq!(a.import_csv(first), b.import_csv(first));
        for p in Pattern::ALL {
            assert!(a.students.iter().any(|s| s.pattern == p), "{p:?} missing");
        }
        assert_eq!(a.mentors.len(), 10);
        // Mentors guide students of their own organisation, between 1 and 9 of them.
        for m in &a.mentors {
            let n = a.students.iter().filter(|s| s.mentor == m.index).count();
            assert!((1..=9).contains(&n), "mentor {} has {n}", m.index);
            assert!(a.students.iter().filter(|s| s.mentor == m.index).all(|s| s.organisation == m.organisation));
        }
        let other = Cohort::draw(30, 10, 12, 0, &mut ChaCha8Rng::seed_from_u64(8));
        assert_ne!(a.import_csv(first), other.import_csv(first));
    }

    #[test]
    fn a_handover_goes_to_a_colleague_of_the_same_organisation() {
        let c = Cohort::draw(60, 12, 16, 0, &mut ChaCha8Rng::seed_from_u64(3));
        for s in c.students.iter().filter(|s| s.pattern == Pattern::Handover) {
            let to = s.fate.handover_to.expect("a colleague");
            assert_ne!(to, s.mentor);
            assert_eq!(c.mentors[to].organisation, s.organisation);
        }
        for s in c.students.iter().filter(|s| s.pattern == Pattern::FallingDropout) {
            assert!(s.fate.falls_from.unwrap() < s.fate.dropout_week.unwrap());
        }
    }
}
