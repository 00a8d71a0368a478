//! "Did you mean ...?" for misspelled keys, columns and names.

/// The known word closest to `word`, if it is close enough to be a likely typo.
pub fn nearest<'a, I>(word: &str, known: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let word = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(2);
    known
        .into_iter()
        .map(|k| (edit_distance(&word, &k.to_lowercase()), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_known_word_only_when_close() {
        let known = ["mobile_phone", "first_name", "team_name"];
        assert_eq!(nearest("mobile_phon", known), Some("mobile_phone"));
        assert_eq!(nearest("Team_Naam", known), Some("team_name"));
        assert_eq!(nearest("zzz", known), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
