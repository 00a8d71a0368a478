//! What a caller of the API may do: scopes, and where they come from.
//!
//! A staff account's scopes and the teams they hold in follow from its roles, study by study,
//! as [`koers_store::access`] resolves them for the pages too: a coordinator reads studies and
//! the people of their organisation or team; a researcher reads studies and pseudonymised
//! responses of theirs, and exports them when the role has the `export` permission; an admin
//! (the account flag, or an admin role in a study) may do everything within where it holds. An
//! access token carries the union over all studies; every request then narrows it to the study
//! and the teams it is about, so a researcher of one organisation never reads another through
//! a token, and a researcher of one study never reads another study.

pub use koers_store::access::{role_scopes, Access, Scope, Scopes, Teams};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_words_are_the_ones_api_keys_may_name() {
        let ours: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(ours, koers_store::api_keys::KNOWN_SCOPES);
    }
}
