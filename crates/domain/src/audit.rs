//! The audit log (spårbarhet): an append-only chain where every entry carries
//! the hash of the one before, so any edit of stored entries is detectable.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What is written: one change of one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    pub actor_id: Option<Uuid>,
    /// Who acted, as shown to readers (e-mail, or `cli`/`system`).
    pub actor: String,
    /// A dotted code such as `org.create` or `user.password_reset`.
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    /// The organisation the record belongs to, for scoping who may read it.
    pub org_id: Option<Uuid>,
    /// The record before and after, as JSON text (`None` for create/delete).
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub change: Change,
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    /// Seal a change as entry number `seq` after the entry whose hash is `prev_hash`.
    pub fn seal(seq: i64, at: DateTime<Utc>, change: Change, prev_hash: &str) -> Entry {
        let at = crate::truncate_micros(at);
        let hash = hash(seq, at, &change, prev_hash);
        Entry { seq, at, change, prev_hash: prev_hash.to_owned(), hash }
    }

    /// The fields whose values differ between `before` and `after` (top level).
    pub fn changed_fields(&self) -> Vec<String> {
        let parse = |s: &Option<String>| {
            s.as_deref()
                .and_then(|s| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(s).ok())
                .unwrap_or_default()
        };
        let (b, a) = (parse(&self.change.before), parse(&self.change.after));
        let mut keys: Vec<String> = b.keys().chain(a.keys()).cloned().collect();
        keys.sort();
        keys.dedup();
        keys.retain(|k| b.get(k) != a.get(k));
        keys
    }

    /// Each top-level field whose value differs between `before` and
    /// `after`, with both values (absent where the record had no such
    /// field, or did not exist), sorted by field name; a reader sees
    /// "field: before → after". A record that is not a JSON object is one
    /// change of the field "".
    pub fn field_changes(&self) -> Vec<FieldChange> {
        use serde_json::Value;
        let parse = |s: &Option<String>| -> serde_json::Map<String, Value> {
            match s.as_deref().map(serde_json::from_str::<Value>) {
                Some(Ok(Value::Object(m))) => m,
                Some(Ok(other)) => [(String::new(), other)].into_iter().collect(),
                Some(Err(_)) => [(String::new(), Value::String(s.clone().unwrap_or_default()))].into_iter().collect(),
                None => serde_json::Map::new(),
            }
        };
        let (b, a) = (parse(&self.change.before), parse(&self.change.after));
        let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter(|k| b.get(*k) != a.get(*k))
            .map(|k| FieldChange { field: k.clone(), before: b.get(k).cloned(), after: a.get(k).cloned() })
            .collect()
    }
}

/// One field of a record as an audit entry changed it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The hash of an entry: SHA-256 over every field in a fixed, unambiguous layout.
pub fn hash(seq: i64, at: DateTime<Utc>, c: &Change, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    field(&seq.to_string());
    field(&at.to_rfc3339_opts(SecondsFormat::Micros, true));
    field(&c.actor_id.map(|u| u.to_string()).unwrap_or_default());
    field(&c.actor);
    field(&c.action);
    field(&c.record_type);
    field(&c.record_id);
    field(&c.org_id.map(|u| u.to_string()).unwrap_or_default());
    field(c.before.as_deref().unwrap_or("\u{0}"));
    field(c.after.as_deref().unwrap_or("\u{0}"));
    field(prev_hash);
    hex::encode(h.finalize())
}

/// Why a chain is broken, at the first entry that does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Broken {
    #[error("entry {seq}: its content does not match its hash (edited after it was written)")]
    Tampered { seq: i64 },
    #[error("entry {seq}: it does not point to the entry before it (an entry was removed or inserted)")]
    Unlinked { seq: i64 },
    #[error("entry {seq}: a number is missing before it (expected {expected})")]
    Gap { seq: i64, expected: i64 },
}

/// Incremental verifier, so a long log can be checked page by page.
#[derive(Debug, Clone)]
pub struct Verifier {
    prev_hash: String,
    next_seq: i64,
    pub checked: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Self { prev_hash: GENESIS.to_owned(), next_seq: 1, checked: 0 }
    }
}

impl Verifier {
    pub fn next_seq(&self) -> i64 {
        self.next_seq
    }

    pub fn check(&mut self, e: &Entry) -> Result<(), Broken> {
        if e.seq != self.next_seq {
            return Err(Broken::Gap { seq: e.seq, expected: self.next_seq });
        }
        if e.prev_hash != self.prev_hash {
            return Err(Broken::Unlinked { seq: e.seq });
        }
        if hash(e.seq, e.at, &e.change, &e.prev_hash) != e.hash {
            return Err(Broken::Tampered { seq: e.seq });
        }
        self.prev_hash = e.hash.clone();
        self.next_seq += 1;
        self.checked += 1;
        Ok(())
    }
}

/// Check a whole chain from its first entry; returns how many entries were checked.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Result<u64, Broken> {
    let mut v = Verifier::default();
    for e in entries {
        v.check(e)?;
    }
    Ok(v.checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(n: u32) -> Change {
        Change {
            actor_id: None,
            actor: "cli".into(),
            action: "org.create".into(),
            record_type: "org".into(),
            record_id: format!("r{n}"),
            org_id: None,
            before: None,
            after: Some(format!(r#"{{"name":"Enhet {n}"}}"#)),
        }
    }

    fn chain(n: u32) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for i in 1..=n {
            let prev = out.last().map(|e| e.hash.clone()).unwrap_or_else(|| GENESIS.into());
            out.push(Entry::seal(i as i64, Utc::now(), change(i), &prev));
        }
        out
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify(&chain(5)).unwrap(), 5);
        assert_eq!(verify(&[]).unwrap(), 0);
    }

    #[test]
    fn edits_removals_and_reordering_are_found() {
        let mut c = chain(5);
        c[2].change.after = Some(r#"{"name":"Ändrad"}"#.into());
        assert_eq!(verify(&c).unwrap_err(), Broken::Tampered { seq: 3 });

        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify(&c).unwrap_err(), Broken::Gap { seq: 3, expected: 2 });

        // Removing an entry and renumbering the rest still breaks the links.
        let mut c = chain(5);
        c.remove(1);
        for (i, e) in c.iter_mut().enumerate() {
            e.seq = i as i64 + 1;
        }
        assert_eq!(verify(&c).unwrap_err(), Broken::Unlinked { seq: 2 });

        // Rewriting one entry's hash to match its edit breaks the next link.
        let mut c = chain(5);
        c[1].change.actor = "någon annan".into();
        c[1].hash = hash(c[1].seq, c[1].at, &c[1].change, &c[1].prev_hash);
        assert_eq!(verify(&c).unwrap_err(), Broken::Unlinked { seq: 3 });
    }

    #[test]
    fn field_changes_pair_the_values_of_each_changed_field() {
        let mut e = chain(1).remove(0);
        e.change.before = Some(r#"{"name":"A","kind":"unit","n":1}"#.into());
        e.change.after = Some(r#"{"name":"B","kind":"unit","parent":"x","n":1}"#.into());
        let got = e.field_changes();
        let j = |s: &str| Some(serde_json::Value::String(s.into()));
        assert_eq!(
            got,
            vec![
                FieldChange { field: "name".into(), before: j("A"), after: j("B") },
                FieldChange { field: "parent".into(), before: None, after: j("x") },
            ]
        );
        // A record created: every field is new; a record that is not an object is one change.
        e.change.before = None;
        e.change.after = Some(r#"{"a":true}"#.into());
        assert_eq!(e.field_changes().len(), 1);
        e.change.before = Some("\"draft\"".into());
        e.change.after = Some("not json".into());
        assert_eq!(
            e.field_changes(),
            vec![FieldChange { field: String::new(), before: j("draft"), after: j("not json") }]
        );
    }

    #[test]
    fn changed_fields_lists_differences() {
        let mut e = chain(1).remove(0);
        e.change.before = Some(r#"{"name":"A","kind":"unit"}"#.into());
        e.change.after = Some(r#"{"name":"B","kind":"unit","parent":"x"}"#.into());
        assert_eq!(e.changed_fields(), vec!["name".to_string(), "parent".to_string()]);
    }
}
