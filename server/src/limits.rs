//! Per-IP limits on the requests that guess or send mail: signing up, signing in, the second factor, confirming
//! and resetting (`SEGNALA_RATE_LIMIT_PER_MINUTE` per minute, the same number as a burst). In memory, per server
//! instance; the per-address limits behind them are in the database (`backend::users::throttle`), shared by all.

use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// The limiter, or none when limits are off.
#[derive(Clone)]
pub struct IpLimiter(Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>);

impl IpLimiter {
    /// `per_minute` requests a minute per address, with as many in a burst; 0: no limit.
    pub fn new(per_minute: u32) -> Self {
        Self(
            NonZeroU32::new(per_minute)
                .map(|n| Arc::new(RateLimiter::keyed(Quota::per_minute(n).allow_burst(n)))),
        )
    }

    /// `per_hour` requests an hour per address, with as many in a burst; 0: no limit.
    pub fn per_hour(per_hour: u32) -> Self {
        Self(
            NonZeroU32::new(per_hour)
                .map(|n| Arc::new(RateLimiter::keyed(Quota::per_hour(n).allow_burst(n)))),
        )
    }

    /// Like [`IpLimiter::check`] for `n` units at once (photos); more than the burst is refused outright.
    pub fn check_n(&self, ip: Option<IpAddr>, n: u32) -> Result<(), u64> {
        let (Some(limiter), Some(n)) = (&self.0, NonZeroU32::new(n)) else {
            return Ok(());
        };
        let ip = ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        match limiter.check_key_n(&ip, n) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1)),
            Err(_) => Err(3600),
        }
    }

    /// `Err(seconds to wait)` when `ip` is over its limit. Requests whose address is unknown share one bucket.
    pub fn check(&self, ip: Option<IpAddr>) -> Result<(), u64> {
        let Some(limiter) = &self.0 else { return Ok(()) };
        let ip = ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        limiter.check_key(&ip).map_err(|not_until| {
            not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1)
        })
    }

    /// Forgets addresses whose buckets are full again (keeps memory bounded; run now and then).
    pub fn shrink(&self) {
        if let Some(l) = &self.0 {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }
}

impl std::fmt::Debug for IpLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "IpLimiter(on)"
        } else {
            "IpLimiter(off)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_address() {
        let l = IpLimiter::new(3);
        let a: IpAddr = "192.0.2.1".parse().expect("ip");
        let b: IpAddr = "192.0.2.2".parse().expect("ip");
        for _ in 0..3 {
            assert!(l.check(Some(a)).is_ok());
        }
        let wait = l.check(Some(a)).unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(l.check(Some(b)).is_ok(), "another address has its own bucket");
        assert!(IpLimiter::new(0).check(Some(a)).is_ok());
    }
}
