//! File-name slugs: the one rule for turning a name into the part of a
//! download's file name that identifies it ("Exempla kommun" → "exempla-kommun").

/// Lower case; å, ä → a, ö → o, é → e; other ASCII letters and digits kept;
/// everything else becomes one dash, never at the ends. Always ASCII, so it is
/// safe inside a quoted `Content-Disposition` file name.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            'å' | 'ä' | 'á' | 'à' => 'a',
            'ö' | 'ø' | 'ó' => 'o',
            'é' | 'è' | 'ë' => 'e',
            'ü' => 'u',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if mapped == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(mapped);
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn swedish_names() {
        assert_eq!(slug("Exempla kommun"), "exempla-kommun");
        assert_eq!(slug("Nationell uppföljning 2026 – Region Öst"), "nationell-uppfoljning-2026-region-ost");
        assert_eq!(slug("  Ängelholms Stadshus AB  "), "angelholms-stadshus-ab");
        assert_eq!(slug("\"/../etc"), "etc");
        assert_eq!(slug(""), "");
    }

    proptest! {
        #[test]
        fn always_safe(name in ".{0,80}") {
            let s = slug(&name);
            prop_assert!(s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            prop_assert!(!s.starts_with('-') && !s.ends_with('-') && !s.contains("--"));
        }
    }
}
