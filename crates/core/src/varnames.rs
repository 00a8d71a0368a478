//! Short variable names that every statistics package accepts: at most 32 characters (Stata's
//! limit; SPSS allows 64), ASCII letters, digits and `_`, starting with a letter. The long name
//! (`student_diary.action_types__2__motivating`) stays in the codebook.
//!
//! The rule depends on the long name alone, so a column keeps its short name in every version of
//! a questionnaire and in every export:
//! 1. every character outside `[a-z0-9_]` becomes `_` (so `student_diary.wellbeing` becomes
//!    `student_diary_wellbeing`), and a name not starting with a letter gets a `v` in front;
//! 2. a name that is still too long gets its questionnaire prefix (before the `.`) cut to its
//!    words' initials (`student_diary.` becomes `sd_`);
//! 3. a name that is still too long keeps the first 26 characters of step 2's form and ends in `_` and five
//!    characters of a hash of the whole long name.
//!
//! Within one table, names that would still collide all take the hashed form of step 3
//! ([`short_names`]), which is unique unless two hashes collide (then more hash characters).

/// Stata's limit, the strictest of SPSS, Stata and R.
pub const MAX_LEN: usize = 32;

fn sanitize(s: &str) -> String {
    let mut out: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c.to_ascii_lowercase() } else { '_' }).collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'v');
    }
    out
}

/// FNV-1a, 64 bits: small, stable across platforms and releases (unlike std's hasher).
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

fn base36(mut n: u64, len: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    for _ in 0..len {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
    }
    String::from_utf8(out).expect("ascii")
}

/// The long name with its questionnaire prefix cut to initials (`student_diary.` to `sd_`).
fn initialled(long: &str) -> String {
    match long.split_once('.') {
        Some((prefix, rest)) => {
            let initials: String = prefix.split(['_', '-']).filter_map(|w| w.chars().next()).collect();
            sanitize(&format!("{initials}_{rest}"))
        }
        None => sanitize(long),
    }
}

fn hashed(long: &str, digits: usize) -> String {
    let base = initialled(long);
    let keep = MAX_LEN - 1 - digits;
    let head: String = base.chars().take(keep).collect();
    format!("{}_{}", head.trim_end_matches('_'), base36(fnv(long), digits))
}

/// The short name of one column (steps 1 to 3 of the module's rule).
pub fn short_name(long: &str) -> String {
    let plain = sanitize(long);
    if plain.len() <= MAX_LEN {
        return plain;
    }
    let shorter = initialled(long);
    if shorter.len() <= MAX_LEN {
        return shorter;
    }
    hashed(long, 5)
}

/// The short names of a table's columns, in order: [`short_name`] of each, except that names
/// that collide take the hashed form (with more hash characters while they still collide).
pub fn short_names<S: AsRef<str>>(longs: &[S]) -> Vec<String> {
    let mut names: Vec<String> = longs.iter().map(|l| short_name(l.as_ref())).collect();
    for digits in 5..=12 {
        let mut seen = std::collections::HashMap::<&str, usize>::new();
        for n in &names {
            *seen.entry(n.as_str()).or_default() += 1;
        }
        let clashing: Vec<usize> = (0..names.len()).filter(|&i| seen[names[i].as_str()] > 1).collect();
        if clashing.is_empty() {
            break;
        }
        for i in clashing {
            names[i] = hashed(longs[i].as_ref(), digits);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(n: &str) -> bool {
        n.len() <= MAX_LEN
            && n.starts_with(|c: char| c.is_ascii_lowercase())
            && n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    }

    #[test]
    fn names_that_fit_only_lose_their_dot() {
        assert_eq!(short_name("student_diary.wellbeing"), "student_diary_wellbeing");
        assert_eq!(short_name("completed_at"), "completed_at");
        assert_eq!(short_name("2nd"), "v2nd");
    }

    #[test]
    fn a_long_prefix_becomes_its_initials_then_a_hash_keeps_it_short() {
        assert_eq!(short_name("student_diary.action_types__2__motivating"), "sd_action_types__2__motivating");
        let long = "mentor_closing_questionnaire.relationship_quality_overall_rating__other";
        let s = short_name(long);
        assert!(valid(&s), "{s}");
        assert!(s.starts_with("mcq_relationship_quality_o"), "{s}");
        assert_eq!(s, short_name(long), "the same long name always gives the same short name");
    }

    #[test]
    fn names_in_one_table_are_unique_and_valid() {
        let longs = [
            "student_diary.wellbeing",
            "school_day.wellbeing",
            "student_diary.wellbeing_code",
            "a_very_long_questionnaire_key_indeed.item_one_with_a_long_name",
            "a_very_long_questionnaire_key_indeed.item_one_with_a_long_name_code",
        ];
        let names = short_names(&longs);
        let unique: std::collections::HashSet<_> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert!(names.iter().all(|n| valid(n)), "{names:?}");
        // A name that does not collide is the same alone as in the table.
        assert_eq!(names[0], short_name(longs[0]));
    }
}
