//! Limits on guessing passwords, in bounded memory.
//!
//! Failed attempts are counted per minute for each (source address,
//! username) pair and for each source address. A pair that failed
//! [`Limits::per_pair`] times in the current minute is refused until the
//! minute ends; so is a source that failed [`Limits::per_source`] times,
//! whatever names it tries. A stranger can therefore lock out only the
//! attempts that come from their own address: the administrator logging in
//! from elsewhere is not affected. Each table holds at most [`MAX_KEYS`]
//! entries: when it is full, entries of past minutes go first, then the
//! oldest, so no sequence of requests makes it grow without bound.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The most entries each table keeps.
pub const MAX_KEYS: usize = 10_000;

/// The longest username a login may name (longer ones are refused before anything is counted).
pub const MAX_USERNAME: usize = 64;

const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    failures: u32,
}

/// A table of failure counts per key, bounded in size.
#[derive(Debug, Default)]
struct Table(HashMap<String, Window>);

impl Table {
    fn failures(&self, key: &str, now: Instant) -> u32 {
        self.0
            .get(key)
            .filter(|w| now.duration_since(w.start) < WINDOW)
            .map_or(0, |w| w.failures)
    }

    fn fail(&mut self, key: &str, now: Instant) {
        if !self.0.contains_key(key) && self.0.len() >= MAX_KEYS {
            self.0.retain(|_, w| now.duration_since(w.start) < WINDOW);
            if self.0.len() >= MAX_KEYS {
                if let Some(oldest) = self.0.iter().min_by_key(|(_, w)| w.start).map(|(k, _)| k.clone()) {
                    self.0.remove(&oldest);
                }
            }
        }
        let w = self.0.entry(key.to_owned()).or_insert(Window {
            start: now,
            failures: 0,
        });
        if now.duration_since(w.start) >= WINDOW {
            *w = Window {
                start: now,
                failures: 0,
            };
        }
        w.failures = w.failures.saturating_add(1);
    }

    fn forget(&mut self, key: &str) {
        self.0.remove(key);
    }
}

/// Failed logins and password checks, per (source, username) and per source.
#[derive(Debug)]
pub struct Limits {
    /// Failures allowed per (source, username) per minute.
    pub per_pair: u32,
    /// Failures allowed per source per minute, whatever the usernames.
    pub per_source: u32,
    tables: Mutex<(Table, Table)>,
}

fn source_key(source: Option<IpAddr>) -> String {
    source.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

fn pair_key(source: Option<IpAddr>, username: &str) -> String {
    let mut name: String = username.chars().take(MAX_USERNAME).collect();
    name.make_ascii_lowercase();
    format!("{}\u{0}{name}", source_key(source))
}

impl Limits {
    /// `per_pair` failures per (source, username) and ten times as many per source, per minute.
    pub fn new(per_pair: u32) -> Limits {
        let per_pair = per_pair.max(1);
        Limits {
            per_pair,
            per_source: per_pair.saturating_mul(10),
            tables: Mutex::new((Table::default(), Table::default())),
        }
    }

    fn tables(&self) -> std::sync::MutexGuard<'_, (Table, Table)> {
        // A panic while holding the lock leaves counts that are still counts.
        self.tables
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether another attempt from `source` for `username` may be checked now.
    pub fn allowed(&self, source: Option<IpAddr>, username: &str) -> bool {
        let now = Instant::now();
        let t = self.tables();
        t.0.failures(&pair_key(source, username), now) < self.per_pair
            && t.1.failures(&source_key(source), now) < self.per_source
    }

    /// Count a failed attempt.
    pub fn failed(&self, source: Option<IpAddr>, username: &str) {
        let now = Instant::now();
        let mut t = self.tables();
        t.0.fail(&pair_key(source, username), now);
        t.1.fail(&source_key(source), now);
    }

    /// A success clears the pair's failures (not the source's).
    pub fn succeeded(&self, source: Option<IpAddr>, username: &str) {
        self.tables().0.forget(&pair_key(source, username));
    }

    /// How many entries the tables hold (pairs, sources).
    #[cfg(test)]
    fn len(&self) -> (usize, usize) {
        let t = self.tables();
        (t.0 .0.len(), t.1 .0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stranger_locks_out_only_their_own_address() {
        let limits = Limits::new(3);
        let stranger = Some("203.0.113.7".parse().unwrap());
        let admin = Some("10.1.2.3".parse().unwrap());
        for _ in 0..3 {
            assert!(limits.allowed(stranger, "admin"));
            limits.failed(stranger, "admin");
        }
        assert!(!limits.allowed(stranger, "admin"));
        assert!(
            limits.allowed(admin, "admin"),
            "the administrator elsewhere is not locked out"
        );
        limits.succeeded(admin, "admin");
    }

    #[test]
    fn a_source_trying_many_names_is_limited_too() {
        let limits = Limits::new(2);
        let source = Some("198.51.100.1".parse().unwrap());
        for i in 0..20 {
            limits.failed(source, &format!("user{i}"));
        }
        assert!(!limits.allowed(source, "someone-new"));
    }

    #[test]
    fn memory_stays_bounded_whatever_is_sent() {
        let limits = Limits::new(10);
        for i in 0..(MAX_KEYS + 500) {
            let [_, b, c, d] = u32::try_from(i).unwrap().to_be_bytes();
            let ip = IpAddr::from([10, b, c, d]);
            limits.failed(Some(ip), &"x".repeat(5000));
        }
        let (pairs, sources) = limits.len();
        assert!(pairs <= MAX_KEYS && sources <= MAX_KEYS, "{pairs} {sources}");
        // Each pair's key holds at most MAX_USERNAME characters of the name.
        assert!(limits
            .tables()
            .0
             .0
            .keys()
            .all(|k| k.len() <= 40 + 1 + MAX_USERNAME));
    }
}
