//! Slowing down and locking repeated failed logins, per account and per client address.

use chrono::{DateTime, Duration, Utc};

/// The policy: how many failures within `window` are tolerated before each step.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub window: Duration,
    /// Failures after which each further attempt is delayed.
    pub slow_after: u32,
    /// Delay added per failure beyond `slow_after`, capped at `max_delay`.
    pub step_delay: std::time::Duration,
    pub max_delay: std::time::Duration,
    /// Failures after which the account (or address) is locked until the window
    /// since the last failure has passed.
    pub lock_after_account: u32,
    pub lock_after_address: u32,
    pub lock_for: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            window: Duration::minutes(15),
            slow_after: 3,
            step_delay: std::time::Duration::from_millis(500),
            max_delay: std::time::Duration::from_secs(3),
            lock_after_account: 10,
            lock_after_address: 30,
            lock_for: Duration::minutes(15),
        }
    }
}

/// Failures seen for one key within the window.
#[derive(Debug, Clone, Copy, Default)]
pub struct Failures {
    pub count: u32,
    pub last: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Check the password, after waiting this long (zero: at once).
    Proceed { delay: std::time::Duration },
    /// Refuse without checking the password until this time.
    Locked { until: DateTime<Utc> },
}

impl ThrottlePolicy {
    pub fn decide(&self, account: Failures, address: Failures, now: DateTime<Utc>) -> Decision {
        let locked = |f: Failures, limit: u32| match f.last {
            Some(last) if f.count >= limit && now < last + self.lock_for => Some(last + self.lock_for),
            _ => None,
        };
        let until = [locked(account, self.lock_after_account), locked(address, self.lock_after_address)]
            .into_iter()
            .flatten()
            .max();
        if let Some(until) = until {
            return Decision::Locked { until };
        }
        let worst = account.count.max(address.count / 3);
        let over = worst.saturating_sub(self.slow_after);
        let delay = (self.step_delay * over).min(self.max_delay);
        Decision::Proceed { delay }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slows_then_locks_then_releases() {
        let p = ThrottlePolicy::default();
        let now = Utc::now();
        let f = |count| Failures { count, last: Some(now) };
        assert_eq!(p.decide(f(0), f(0), now), Decision::Proceed { delay: std::time::Duration::ZERO });
        assert_eq!(p.decide(f(3), f(3), now), Decision::Proceed { delay: std::time::Duration::ZERO });
        assert_eq!(p.decide(f(5), f(5), now), Decision::Proceed { delay: std::time::Duration::from_secs(1) });
        assert_eq!(p.decide(f(9), f(9), now), Decision::Proceed { delay: std::time::Duration::from_secs(3) });
        assert!(matches!(p.decide(f(10), f(0), now), Decision::Locked { .. }));
        assert!(matches!(p.decide(f(0), f(30), now), Decision::Locked { .. }));
        let later = now + Duration::minutes(16);
        assert!(matches!(p.decide(f(10), f(0), later), Decision::Proceed { .. }));
    }

    #[test]
    fn many_accounts_from_one_address_are_slowed() {
        let p = ThrottlePolicy::default();
        let now = Utc::now();
        let d = p.decide(Failures::default(), Failures { count: 15, last: Some(now) }, now);
        assert_eq!(d, Decision::Proceed { delay: std::time::Duration::from_secs(1) });
    }
}
