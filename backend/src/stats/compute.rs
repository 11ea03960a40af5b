//! The figures of a set of reports over a period, from their milestones (`report_timing` rows). Pure: the job,
//! the periodic reports and the tests share it. Medians and percentiles interpolate like PostgreSQL's
//! `percentile_cont`, so a direct SQL recomputation gives the same numbers.

use chrono::{DateTime, Utc};
use shared::ReportKind;
use shared::report::work::Channel;
use shared::stats::Figures;

/// A report's milestones, as `report_timing` holds them.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    pub report_id: i64,
    pub kind: ReportKind,
    pub channel: Channel,
    pub is_internal: bool,
    pub office_id: i32,
    pub category_id: i32,
    pub area_id: Option<i32>,
    pub received_at: DateTime<Utc>,
    pub in_charge_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub sla_due_at: DateTime<Utc>,
    pub rated_at: Option<DateTime<Utc>>,
    pub rating_timeliness: Option<i16>,
    pub rating_quality: Option<i16>,
    pub not_solved: bool,
}

impl Timing {
    /// Whether the report counts in the response figures: compliments and internal reports do not (they are
    /// counted apart).
    pub fn is_handled(&self) -> bool {
        self.kind != ReportKind::Compliment && !self.is_internal
    }
}

/// `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Period {
    pub fn contains(self, t: Option<DateTime<Utc>>) -> bool {
        t.is_some_and(|t| t >= self.start && t < self.end)
    }
}

/// Accumulates rows, then gives their [`Figures`].
#[derive(Debug, Default)]
pub struct Acc {
    f: Figures,
    channels: [i64; 6],
    take: Vec<f64>,
    resolve: Vec<f64>,
    timeliness: i64,
    quality: i64,
}

fn channel_index(c: Channel) -> usize {
    match c {
        Channel::Web => 0,
        Channel::Api => 1,
        Channel::Phone => 2,
        Channel::Email => 3,
        Channel::Counter => 4,
        Channel::Letter => 5,
    }
}

const CHANNELS: [Channel; 6] = [
    Channel::Web,
    Channel::Api,
    Channel::Phone,
    Channel::Email,
    Channel::Counter,
    Channel::Letter,
];

fn seconds(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_milliseconds() as f64 / 1000.0
}

impl Acc {
    /// Adds what of `t` happened within `p`.
    pub fn add(&mut self, t: &Timing, p: Period) {
        if p.contains(Some(t.received_at)) {
            self.channels[channel_index(t.channel)] += 1;
            if t.kind == ReportKind::Compliment {
                self.f.compliments += 1;
            } else if t.is_internal {
                self.f.internal_received += 1;
            } else {
                self.f.received += 1;
            }
        }
        if !t.is_handled() {
            return;
        }
        if let Some(at) = t.in_charge_at.filter(|at| p.contains(Some(*at))) {
            self.f.taken_in_charge += 1;
            self.take.push(seconds(t.received_at, at));
        }
        if let Some(at) = t.resolved_at.filter(|at| p.contains(Some(*at))) {
            self.f.resolved += 1;
            self.resolve.push(seconds(t.received_at, at));
            if at <= t.sla_due_at {
                self.f.resolved_within_sla += 1;
            }
        }
        if p.contains(t.rejected_at) {
            self.f.rejected += 1;
        }
        if p.contains(t.rated_at) {
            if t.not_solved {
                self.f.not_solved += 1;
            }
            if let (Some(a), Some(b)) = (t.rating_timeliness, t.rating_quality) {
                self.f.ratings += 1;
                self.timeliness += i64::from(a);
                self.quality += i64::from(b);
            }
        }
    }

    pub fn finish(mut self) -> Figures {
        self.f.by_channel = CHANNELS
            .iter()
            .zip(self.channels)
            .filter(|(_, n)| *n > 0)
            .map(|(c, n)| (*c, n))
            .collect();
        self.f.take_median_s = percentile_cont(&mut self.take, 0.5);
        self.f.take_p90_s = percentile_cont(&mut self.take, 0.9);
        self.f.resolve_median_s = percentile_cont(&mut self.resolve, 0.5);
        self.f.resolve_p90_s = percentile_cont(&mut self.resolve, 0.9);
        if self.f.ratings > 0 {
            self.f.timeliness_avg = Some(self.timeliness as f64 / self.f.ratings as f64);
            self.f.quality_avg = Some(self.quality as f64 / self.f.ratings as f64);
        }
        self.f
    }
}

/// PostgreSQL's `percentile_cont(p)`: linear interpolation between the two nearest ranks. `None` when empty.
pub fn percentile_cont(values: &mut [f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let pos = p * (values.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    Some(values[lo] + (values[hi] - values[lo]) * (pos - lo as f64))
}

/// The figures of `rows` over `p`.
pub fn figures<'a>(rows: impl IntoIterator<Item = &'a Timing>, p: Period) -> Figures {
    let mut acc = Acc::default();
    for r in rows {
        acc.add(r, p);
    }
    acc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn percentiles_interpolate_like_postgresql() {
        // select percentile_cont(0.5), percentile_cont(0.9) within group (order by x) from unnest('{1,2,3,10}'::float8[]) x
        // → 2.5, 7.9
        let mut v = vec![10.0, 1.0, 3.0, 2.0];
        assert_eq!(percentile_cont(&mut v, 0.5), Some(2.5));
        assert!((percentile_cont(&mut v, 0.9).unwrap() - 7.9).abs() < 1e-9);
        assert_eq!(percentile_cont(&mut [4.0], 0.9), Some(4.0));
        assert_eq!(percentile_cont(&mut [], 0.5), None);
    }

    #[test]
    fn events_count_in_the_month_they_happened() {
        let at = |d: u32, h: u32| Utc.with_ymd_and_hms(2026, 3, d, h, 0, 0).unwrap();
        let march = Period {
            start: at(1, 0),
            end: Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap(),
        };
        let t = Timing {
            report_id: 1,
            kind: ReportKind::Problem,
            channel: Channel::Phone,
            is_internal: false,
            office_id: 1,
            category_id: 1,
            area_id: None,
            received_at: Utc.with_ymd_and_hms(2026, 2, 27, 0, 0, 0).unwrap(),
            in_charge_at: Some(at(2, 0)),
            resolved_at: Some(at(5, 0)),
            rejected_at: None,
            sla_due_at: at(4, 0),
            rated_at: Some(at(10, 0)),
            rating_timeliness: Some(2),
            rating_quality: Some(4),
            not_solved: false,
        };
        let f = figures([&t], march);
        assert_eq!(f.received, 0, "received in February");
        assert_eq!((f.taken_in_charge, f.resolved, f.resolved_within_sla), (1, 1, 0));
        assert_eq!(f.take_median_s, Some(3.0 * 86400.0));
        assert_eq!(
            (f.ratings, f.timeliness_avg, f.quality_avg),
            (1, Some(2.0), Some(4.0))
        );
        let compliment = Timing {
            kind: ReportKind::Compliment,
            received_at: at(3, 0),
            ..t.clone()
        };
        let f = figures([&compliment], march);
        assert_eq!((f.compliments, f.received, f.resolved, f.ratings), (1, 0, 0, 0));
        assert_eq!(f.by_channel, vec![(Channel::Phone, 1)]);
    }
}
