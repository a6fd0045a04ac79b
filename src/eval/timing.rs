//! How long annotation takes, from an annotator's timing records
//! ([`crate::store::timing`]): entities confirmed per hour, seconds per
//! confirmed entity, and the share of entities accepted as proposed,
//! corrected or drawn, over everything and per day (UTC).
//!
//! A confirmed entity is one record that makes an entity: an accept (one by
//! one or in bulk), a corrected proposal, or a drawn span. The time is every
//! record's seconds, rejections, deletions, relabels and marking done
//! included: what the confirmed entities cost. Undone decisions stay
//! counted (the time was spent; an undo is a record of its own).

use crate::store::timing::{Made, TimingRecord};

/// Counts and time over some records.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TimeFigures {
    /// Records (decisions of any kind).
    pub decisions: usize,
    /// Entities confirmed, all kinds.
    pub entities: usize,
    pub as_proposed: usize,
    pub corrected: usize,
    pub drawn: usize,
    /// Seconds spent, idle gaps capped.
    pub seconds: f64,
}

impl TimeFigures {
    /// Adds one record.
    pub fn add(&mut self, r: &TimingRecord) {
        self.decisions += 1;
        self.seconds += r.seconds;
        match r.act.made() {
            Some(Made::AsProposed) => self.as_proposed += 1,
            Some(Made::Corrected) => self.corrected += 1,
            Some(Made::Drawn) => self.drawn += 1,
            None => return,
        }
        self.entities += 1;
    }

    /// Entities confirmed per hour of work; `None` when no time was spent.
    pub fn entities_per_hour(&self) -> Option<f64> {
        (self.seconds > 0.0).then(|| self.entities as f64 * 3600.0 / self.seconds)
    }

    /// Seconds of work per confirmed entity; `None` without an entity.
    pub fn seconds_per_entity(&self) -> Option<f64> {
        (self.entities > 0).then(|| self.seconds / self.entities as f64)
    }

    /// Shares (0..=1) of the confirmed entities accepted as proposed,
    /// corrected and drawn; all 0 without an entity.
    pub fn shares(&self) -> (f64, f64, f64) {
        if self.entities == 0 {
            return (0.0, 0.0, 0.0);
        }
        let n = self.entities as f64;
        (
            self.as_proposed as f64 / n,
            self.corrected as f64 / n,
            self.drawn as f64 / n,
        )
    }

    /// One line of figures, as `kashif stats` prints them and the review
    /// shows them.
    pub fn summary(&self) -> String {
        let opt = |x: Option<f64>, d: usize| x.map_or("-".to_string(), |v| format!("{v:.d$}"));
        let (a, c, d) = self.shares();
        format!(
            "{} entities in {} min: {} entities/hour, {} s/entity; accepted as proposed {:.0} %, corrected {:.0} %, drawn {:.0} % ({} decisions)",
            self.entities,
            format_args!("{:.1}", self.seconds / 60.0),
            opt(self.entities_per_hour(), 1),
            opt(self.seconds_per_entity(), 1),
            a * 100.0,
            c * 100.0,
            d * 100.0,
            self.decisions
        )
    }
}

/// One annotator's figures, overall and per day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimingReport {
    pub annotator: String,
    pub total: TimeFigures,
    /// `(YYYY-MM-DD, figures)` in date order (UTC), days with records only.
    pub days: Vec<(String, TimeFigures)>,
}

/// The figures of `annotator`'s records.
pub fn timing_report(annotator: &str, records: &[TimingRecord]) -> TimingReport {
    let mut total = TimeFigures::default();
    let mut days: std::collections::BTreeMap<String, TimeFigures> = Default::default();
    for r in records {
        total.add(r);
        days.entry(utc_date(r.unix_ms)).or_default().add(r);
    }
    TimingReport {
        annotator: annotator.to_string(),
        total,
        days: days.into_iter().collect(),
    }
}

/// `YYYY-MM-DD` (UTC) of a time in Unix milliseconds.
pub fn utc_date(unix_ms: u64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let z = (unix_ms / 86_400_000) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_days() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(951_782_400_000), "2000-02-29");
        assert_eq!(utc_date(1_796_601_599_999), "2026-12-06");
    }
}
