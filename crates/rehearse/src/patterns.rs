//! How the people of a rehearsal behave: a named pattern per student (what a researcher will
//! look for in the data afterwards) and per mentor, with the few numbers that drive it.

use serde::Serialize;

/// A student's course through the study.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    /// Answers nearly every week.
    Steady,
    /// Answers about two weeks in three, sometimes only after the reminder.
    Irregular,
    /// Answers now and then.
    Skipper,
    /// Answers every week, implausibly fast.
    Speeder,
    /// Answers, but leaves every slider near the middle.
    MiddleSliders,
    /// Commitment and confidence fall for some weeks, then the coordinator ends the
    /// participation as a school leaver or switcher.
    FallingDropout,
    /// Another mentor takes over halfway.
    Handover,
    /// Under 16; the parent says no.
    GuardianDeclined,
    /// Under 16; the parent says yes a week later.
    GuardianLate,
    /// Withdraws (through the coordinator) halfway.
    Withdrawn,
    /// Stops by themselves halfway.
    Stopped,
}

impl Pattern {
    pub const ALL: [Pattern; 11] = [
        Pattern::Steady,
        Pattern::Irregular,
        Pattern::Skipper,
        Pattern::Speeder,
        Pattern::MiddleSliders,
        Pattern::FallingDropout,
        Pattern::Handover,
        Pattern::GuardianDeclined,
        Pattern::GuardianLate,
        Pattern::Withdrawn,
        Pattern::Stopped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Pattern::Steady => "steady",
            Pattern::Irregular => "irregular",
            Pattern::Skipper => "skipper",
            Pattern::Speeder => "speeder",
            Pattern::MiddleSliders => "middle_sliders",
            Pattern::FallingDropout => "falling_dropout",
            Pattern::Handover => "handover",
            Pattern::GuardianDeclined => "guardian_declined",
            Pattern::GuardianLate => "guardian_late",
            Pattern::Withdrawn => "withdrawn",
            Pattern::Stopped => "stopped",
        }
    }

    /// How often a cohort has this pattern, once every pattern has appeared (weights).
    pub fn weight(self) -> u32 {
        match self {
            Pattern::Steady => 40,
            Pattern::Irregular => 18,
            Pattern::Skipper => 8,
            Pattern::Speeder => 4,
            Pattern::MiddleSliders => 4,
            Pattern::FallingDropout => 10,
            Pattern::Handover => 5,
            Pattern::GuardianDeclined => 2,
            Pattern::GuardianLate => 3,
            Pattern::Withdrawn => 3,
            Pattern::Stopped => 3,
        }
    }

    /// The chance of answering a questionnaire the person is invited to.
    pub fn answer_rate(self) -> f64 {
        match self {
            Pattern::Steady | Pattern::Speeder | Pattern::MiddleSliders => 0.96,
            Pattern::Irregular => 0.65,
            Pattern::Skipper => 0.3,
            _ => 0.85,
        }
    }

    /// Under-16s need a parent's consent.
    pub fn under_16(self) -> bool {
        matches!(self, Pattern::GuardianDeclined | Pattern::GuardianLate)
    }
}

/// A mentor's habit with the weekly diaries about their students.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MentorPattern {
    /// Answers soon after the invitation, for every student.
    Diligent,
    /// Answers after the reminder, or the next morning.
    Late,
    /// Answers some weeks, for some students.
    Sporadic,
    /// Never answers a diary (but does the intake).
    Silent,
}

impl MentorPattern {
    pub fn as_str(self) -> &'static str {
        match self {
            MentorPattern::Diligent => "diligent",
            MentorPattern::Late => "late",
            MentorPattern::Sporadic => "sporadic",
            MentorPattern::Silent => "silent",
        }
    }

    /// The chance of opening a week's link at all.
    pub fn answer_rate(self) -> f64 {
        match self {
            MentorPattern::Diligent => 0.95,
            MentorPattern::Late => 0.8,
            MentorPattern::Sporadic => 0.45,
            MentorPattern::Silent => 0.0,
        }
    }

    /// Drawn with these weights (in order: diligent, late, sporadic, silent).
    pub const WEIGHTS: [(MentorPattern, u32); 4] = [
        (MentorPattern::Diligent, 45),
        (MentorPattern::Late, 30),
        (MentorPattern::Sporadic, 20),
        (MentorPattern::Silent, 5),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_has_its_own_name() {
        let names: std::collections::BTreeSet<_> = Pattern::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(names.len(), Pattern::ALL.len());
        for p in Pattern::ALL {
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
        }
    }
}
