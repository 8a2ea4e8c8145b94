//! Sorting names as Swedish readers expect them.

/// A key that orders names as Swedish dictionaries do: case ignored, å, ä
/// and ö after z (in that order, æ and ø with ä and ö), é and è as e, ü as y.
pub fn swedish_key(s: &str) -> Vec<u32> {
    s.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'å' => 'z' as u32 + 1,
            'ä' | 'æ' => 'z' as u32 + 2,
            'ö' | 'ø' => 'z' as u32 + 3,
            'é' | 'è' | 'ê' => 'e' as u32,
            'á' | 'à' => 'a' as u32,
            'ü' => 'y' as u32,
            c => c as u32,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_letters_come_after_z_and_case_is_ignored() {
        let mut names = vec!["Örebro", "ärende", "Zeta", "Åtgärd", "alfa", "Éclair", "Beta"];
        names.sort_by_key(|n| swedish_key(n));
        assert_eq!(names, ["alfa", "Beta", "Éclair", "Zeta", "Åtgärd", "ärende", "Örebro"]);
    }
}
