//! Values kept in memory by the data's version: the audit head's sequence,
//! which every audited write moves in its own transaction, in this process
//! or another (docs/scaling.md). An entry read at a version is right for as
//! long as that version is current, so a page read again while nothing has
//! been written reads nothing of it again, and the first request after any
//! write reads it anew.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// At most `capacity` entries, each the newest one read of its key with the
/// stamp (the data's version, with the day where the value depends on it)
/// it was read at; the map empties when full.
pub struct Kept<K, V, S = i64> {
    entries: Mutex<HashMap<K, (S, Arc<V>)>>,
    capacity: usize,
}

impl<K: Eq + Hash, V, S: PartialOrd + Copy> Kept<K, V, S> {
    pub fn new(capacity: usize) -> Self {
        Kept { entries: Mutex::new(HashMap::new()), capacity }
    }

    /// The value of `key` if it was read at `stamp`.
    pub fn get(&self, key: &K, stamp: S) -> Option<Arc<V>> {
        let c = self.entries.lock().ok()?;
        c.get(key).filter(|(s, _)| *s == stamp).map(|(_, x)| x.clone())
    }

    /// The value of `key` at `stamp`: the kept one, or else what `read`
    /// gives, then kept (`read` is not run when the value is kept).
    pub async fn get_or_read<E>(
        &self,
        key: K,
        stamp: S,
        read: impl Future<Output = Result<V, E>>,
    ) -> Result<Arc<V>, E> {
        if let Some(v) = self.get(&key, stamp) {
            return Ok(v);
        }
        let v = Arc::new(read.await?);
        self.keep(key, stamp, v.clone());
        Ok(v)
    }

    /// Keeps `value` of `key` as read at `stamp`, unless a newer one is kept.
    pub fn keep(&self, key: K, stamp: S, value: Arc<V>) {
        if let Ok(mut c) = self.entries.lock() {
            if c.len() >= self.capacity && !c.contains_key(&key) {
                c.clear();
            }
            // A concurrent request may have read a newer version meanwhile: keep the newer.
            if c.get(&key).is_none_or(|(s, _)| *s <= stamp) {
                c.insert(key, (stamp, value));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_answers_only_at_its_stamp_and_the_newer_one_stays() {
        let k: Kept<u8, &str> = Kept::new(2);
        k.keep(1, 5, Arc::new("five"));
        assert_eq!(k.get(&1, 5).as_deref(), Some(&"five"));
        assert_eq!(k.get(&1, 6), None);
        k.keep(1, 4, Arc::new("four"));
        assert_eq!(k.get(&1, 5).as_deref(), Some(&"five"), "an older read does not replace a newer one");
        k.keep(1, 6, Arc::new("six"));
        assert_eq!(k.get(&1, 5), None);
        k.keep(2, 1, Arc::new("two"));
        k.keep(2, 2, Arc::new("two again"));
        assert_eq!(k.get(&1, 6).as_deref(), Some(&"six"), "a key kept again takes no room");
        k.keep(3, 1, Arc::new("three"));
        assert_eq!(k.get(&3, 1).as_deref(), Some(&"three"));
        assert_eq!(k.get(&1, 6), None, "full, it empties before keeping another key");
        assert_eq!(k.get(&2, 2), None);
    }
}
