//! Study groups. A study compares groups (control, at_risk, ...): a person is in the group set for
//! them at enrolment or import, else in their organisation's group. Outcome groups (stayers,
//! dropouts) are not set by anyone: they follow from recorded outcomes, for the exports.

use crate::msg::Msg;
use crate::people::Role;

/// The person's group: their own when set, else their organisation's.
pub fn person_group(own: Option<&str>, organisation: Option<&str>) -> Option<String> {
    own.or(organisation).map(str::to_string)
}

/// Whether a student stayed or dropped out, as recorded: a recorded dropout (school leaver or
/// switcher) makes a dropout, also when guidance and measurement go on after it.
pub fn outcome_group(role: Role, dropout_type: Option<&str>) -> Option<&'static str> {
    match (role, dropout_type) {
        (Role::Student, Some(_)) => Some("dropout"),
        (Role::Student, None) => Some("stayer"),
        (Role::Mentor, _) => None,
    }
}

/// The longest group name accepted (a code, not a description).
pub const MAX_GROUP: usize = 40;

/// A group named in an import or a form, checked against the study's groups; a refusal names
/// the groups there are (catalogue keys `import-group-unknown`, `import-group-none`).
pub fn check_group<'a>(name: &str, groups: impl IntoIterator<Item = &'a String>) -> Result<String, Msg> {
    let name = name.trim();
    let groups: Vec<&String> = groups.into_iter().collect();
    if groups.iter().any(|g| g.as_str() == name) {
        return Ok(name.to_string());
    }
    if groups.is_empty() {
        return Err(Msg::new("import-group-none").arg("value", name));
    }
    let known = groups.iter().map(|g| g.as_str()).collect::<Vec<_>>().join(", ");
    Err(Msg::new("import-group-unknown").arg("value", name).arg("known", known))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_persons_own_group_wins_over_the_organisations() {
        assert_eq!(person_group(Some("at_risk"), Some("control")).as_deref(), Some("at_risk"));
        assert_eq!(person_group(None, Some("control")).as_deref(), Some("control"));
        assert_eq!(person_group(None, None), None);
    }

    #[test]
    fn outcome_groups_follow_a_recorded_dropout_and_only_for_students() {
        assert_eq!(outcome_group(Role::Student, Some("school_leaver")), Some("dropout"));
        assert_eq!(outcome_group(Role::Student, None), Some("stayer"));
        assert_eq!(outcome_group(Role::Mentor, None), None);
    }

    #[test]
    fn only_the_studys_groups_are_accepted() {
        let groups = vec!["control".to_string(), "intervention".to_string()];
        assert_eq!(check_group(" control ", &groups).unwrap(), "control");
        let refused = check_group("at_risk", &groups).unwrap_err();
        assert_eq!((refused.key, refused.args[1].1.as_str()), ("import-group-unknown", "control, intervention"));
        assert_eq!(check_group("x", &Vec::new()).unwrap_err().key, "import-group-none");
    }
}
