//! What time it is for the services that count in time steps (the second factor's codes): the system's clock,
//! which tests can move forward instead of waiting for it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};

/// The system's clock plus an offset that only tests set (it starts at zero and stays there in production).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::seconds(self.offset_secs.load(Ordering::SeqCst))
    }

    /// Seconds since 1970 (never before it).
    pub fn unix(&self) -> u64 {
        u64::try_from(self.now().timestamp()).unwrap_or_default()
    }

    /// Moves this clock (and every copy of it) forward by `by` (tests).
    #[cfg(any(test, feature = "testing"))]
    pub fn advance(&self, by: std::time::Duration) {
        self.offset_secs
            .fetch_add(i64::try_from(by.as_secs()).unwrap_or(i64::MAX), Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_clock_is_ahead_by_that_much_in_every_copy() {
        let c = Clock::default();
        let copy = c.clone();
        let before = copy.unix();
        c.advance(std::time::Duration::from_secs(3600));
        assert!((3600..3605).contains(&(copy.unix() - before)));
    }
}
