//! Searching a name for a part of it, in any case, on both backends.
//!
//! PostgreSQL: `lower(…) LIKE` with `%`, `_` and `\` escaped; its lower()
//! knows every letter. SQLite's lower() and LIKE ignore case only for ASCII,
//! so there the search is a GLOB with each letter as a class of both its
//! cases (`[öÖ]`), and `*`, `?`, `[`, `]` as classes of themselves: "öberg"
//! finds "Öberg" on both backends.

/// The pattern for `lower(column) LIKE $1 ESCAPE '\'` (PostgreSQL).
pub(crate) fn like(search: &str) -> String {
    let mut p = String::from("%");
    for c in search.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The pattern for `column GLOB $1` (SQLite).
pub(crate) fn glob(search: &str) -> String {
    let mut p = String::from("*");
    for c in search.chars() {
        let (mut lower, mut upper) = (c.to_lowercase(), c.to_uppercase());
        match (lower.next(), lower.next(), upper.next(), upper.next()) {
            (Some(l), None, Some(u), None) if l != u => {
                p.push('[');
                p.push(l);
                p.push(u);
                p.push(']');
            }
            _ if matches!(c, '*' | '?' | '[' | ']') => {
                p.push('[');
                p.push(c);
                p.push(']');
            }
            _ => p.push(c),
        }
    }
    p.push('*');
    p
}

/// Pushes `ORDER BY …`, `LIMIT` and `OFFSET` (bound) onto a query builder.
macro_rules! push_page {
    ($q:expr, $order:expr, $limit:expr, $offset:expr) => {{
        $q.push($order);
        $q.push(" LIMIT ");
        $q.push_bind($limit);
        $q.push(" OFFSET ");
        $q.push_bind($offset);
    }};
}
pub(crate) use push_page;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_take_every_letter_in_both_cases_and_nothing_as_a_wildcard() {
        assert_eq!(like("Ö_%"), "%ö\\_\\%%");
        assert_eq!(glob("öb*"), "*[öÖ][bB][*]*");
        assert_eq!(glob("1 ?"), "*1 [?]*");
    }
}
