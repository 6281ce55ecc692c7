//! Time zones, and the local times their clocks skip or repeat. In a zone a local time names
//! one instant, none (the clocks jumped over it: a daylight-saving gap) or two (the clocks went
//! back over it: an overlap). A date-time column says what it makes of the last two
//! ([`GapPolicy`], [`OverlapPolicy`]); the defaults are what java.time's `ZonedDateTime.of`,
//! Python's zoneinfo (`fold=0`) and jiff's "compatible" disambiguation do.

use chrono::{FixedOffset, NaiveDateTime, Offset, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// An IANA time zone, from the tz database bundled in mapc (the same on every machine, so a
/// run's times never depend on where it runs). Names are matched ignoring case.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZone(jiff::tz::TimeZone);

impl TimeZone {
    pub fn new(name: &str) -> Option<TimeZone> {
        let zone = jiff::tz::db().get(name).ok()?;
        zone.iana_name().is_some().then_some(TimeZone(zone))
    }

    /// The IANA name, as the database spells it (`America/New_York`).
    pub fn name(&self) -> &str {
        self.0.iana_name().unwrap_or("UTC")
    }

    /// Every zone name the database knows, for suggestions.
    pub fn names() -> impl Iterator<Item = String> {
        jiff::tz::db().available().map(|n| n.as_str().to_string())
    }

    /// What a local time names in this zone; None outside the years jiff holds (−9999 to 9999).
    pub fn instants(&self, local: NaiveDateTime) -> Option<Instants> {
        use jiff::tz::AmbiguousOffset;
        let transition = |before, after| Transition {
            local,
            before: fixed(before),
            after: fixed(after),
        };
        let ambiguous = self.0.to_ambiguous_timestamp(civil(local)?);
        Some(match ambiguous.offset() {
            AmbiguousOffset::Unambiguous { offset } => Instants::One(local - seconds(offset)),
            AmbiguousOffset::Gap { before, after } => Instants::Skipped(transition(before, after)),
            AmbiguousOffset::Fold { before, after } => Instants::Twice(transition(before, after)),
        })
    }

    /// The zone's offset from UTC at a UTC time.
    pub fn offset_at(&self, utc: NaiveDateTime) -> FixedOffset {
        let seconds = jiff::Timestamp::from_second(utc.and_utc().timestamp())
            .map_or(0, |at| self.0.to_offset(at).seconds());
        FixedOffset::east_opt(seconds).unwrap_or(Utc.fix())
    }
}

/// An offset as a duration to take from a local time. jiff's years (±9999) lie well inside
/// chrono's, so taking under a day from a time jiff could hold never overflows.
fn seconds(offset: jiff::tz::Offset) -> TimeDelta {
    TimeDelta::seconds(i64::from(offset.seconds()))
}

/// jiff bounds offsets to under 26 hours, chrono to under 24: a wider one (none exists in the
/// database) is read as UTC rather than refused.
fn fixed(offset: jiff::tz::Offset) -> FixedOffset {
    FixedOffset::east_opt(offset.seconds()).unwrap_or(Utc.fix())
}

/// A chrono local time as jiff's, when jiff can hold it (years −9999 to 9999).
fn civil(local: NaiveDateTime) -> Option<jiff::civil::DateTime> {
    use chrono::{Datelike, Timelike};
    let narrow = |v: u32| i8::try_from(v).ok();
    jiff::civil::DateTime::new(
        i16::try_from(local.year()).ok()?,
        narrow(local.month())?,
        narrow(local.day())?,
        narrow(local.hour())?,
        narrow(local.minute())?,
        narrow(local.second().min(59))?,
        i32::try_from(local.nanosecond() % 1_000_000_000).ok()?,
    )
    .ok()
}

/// The instants a local time names in a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instants {
    One(NaiveDateTime),
    /// The clocks jumped over it (from `before` to a larger `after` offset).
    Skipped(Transition),
    /// The clocks went back over it (from `before` to a smaller `after` offset).
    Twice(Transition),
}

/// A local time at a change of the zone's offset, with the offsets either side of the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub local: NaiveDateTime,
    pub before: FixedOffset,
    pub after: FixedOffset,
}

impl Transition {
    /// The local time read with the offset in force before the change. In a gap that is the
    /// local time moved forward by the gap's length (02:30 in a 02:00→03:00 gap is 03:30 after
    /// it); in an overlap it is the first of the two instants. Both are the defaults.
    pub fn with_offset_before(&self) -> NaiveDateTime {
        self.local - TimeDelta::seconds(i64::from(self.before.local_minus_utc()))
    }

    /// The local time read with the offset in force after the change: in an overlap, the
    /// second of the two instants.
    pub fn with_offset_after(&self) -> NaiveDateTime {
        self.local - TimeDelta::seconds(i64::from(self.after.local_minus_utc()))
    }
}

/// What a date-time column does with a local time its zone's clocks skipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GapPolicy {
    /// `on gap shift` (the default): moved forward by the gap's length.
    #[default]
    Shift,
    /// `on gap reject`: the value is invalid.
    Reject,
}

/// What a date-time column does with a local time its zone's clocks showed twice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OverlapPolicy {
    /// `on overlap earlier` (the default): the first instant, before the clocks went back.
    #[default]
    Earlier,
    /// `on overlap later`: the second instant, after the clocks went back.
    Later,
    /// `on overlap reject`: the value is invalid.
    Reject,
}

impl GapPolicy {
    pub fn name(self) -> &'static str {
        match self {
            GapPolicy::Shift => "shift",
            GapPolicy::Reject => "reject",
        }
    }
}

impl OverlapPolicy {
    pub fn name(self) -> &'static str {
        match self {
            OverlapPolicy::Earlier => "earlier",
            OverlapPolicy::Later => "later",
            OverlapPolicy::Reject => "reject",
        }
    }
}

/// A zone to read local times in, with what to do with those its clocks skip or repeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZonePolicy {
    pub zone: TimeZone,
    pub gap: GapPolicy,
    pub overlap: OverlapPolicy,
}

/// Why a local time has no UTC time under a zone's policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoInstant {
    /// Outside the years the tz database can convert.
    OutOfRange,
    /// In a gap, and the column says `on gap reject`.
    Skipped(Transition),
    /// In an overlap, and the column says `on overlap reject`.
    Repeated(Transition),
}

impl ZonePolicy {
    /// The zone with the default policies (what `datetime(text, fmt, tz)` reads with).
    pub fn with_defaults(zone: TimeZone) -> ZonePolicy {
        ZonePolicy {
            zone,
            gap: GapPolicy::default(),
            overlap: OverlapPolicy::default(),
        }
    }

    /// The UTC time of a local time in this zone, under these policies.
    pub fn to_utc(&self, local: NaiveDateTime) -> Result<NaiveDateTime, NoInstant> {
        match self.zone.instants(local).ok_or(NoInstant::OutOfRange)? {
            Instants::One(utc) => Ok(utc),
            Instants::Skipped(t) => match self.gap {
                GapPolicy::Shift => Ok(t.with_offset_before()),
                GapPolicy::Reject => Err(NoInstant::Skipped(t)),
            },
            Instants::Twice(t) => match self.overlap {
                OverlapPolicy::Earlier => Ok(t.with_offset_before()),
                OverlapPolicy::Later => Ok(t.with_offset_after()),
                OverlapPolicy::Reject => Err(NoInstant::Repeated(t)),
            },
        }
    }
}

impl PartialEq for TimeZone {
    fn eq(&self, other: &TimeZone) -> bool {
        self.name() == other.name()
    }
}

impl Eq for TimeZone {}

impl TryFrom<String> for TimeZone {
    type Error = String;
    fn try_from(name: String) -> Result<TimeZone, String> {
        TimeZone::new(&name).ok_or_else(|| format!("unknown time zone {name:?}"))
    }
}

impl From<TimeZone> for String {
    fn from(z: TimeZone) -> String {
        z.name().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("a test time")
    }

    fn zone(name: &str) -> TimeZone {
        TimeZone::new(name).expect("a zone of the database")
    }

    fn policy(name: &str, gap: GapPolicy, overlap: OverlapPolicy) -> ZonePolicy {
        ZonePolicy {
            zone: zone(name),
            gap,
            overlap,
        }
    }

    /// `(local, UTC)` pairs under the default policies.
    fn assert_defaults(name: &str, cases: &[(&str, &str)]) {
        let defaults = ZonePolicy::with_defaults(zone(name));
        for (at, utc) in cases {
            assert_eq!(defaults.to_utc(local(at)), Ok(local(utc)), "{name} {at}");
        }
    }

    /// Local times become UTC by the zone's rules on that date, standard and daylight time.
    #[test]
    fn zones_convert_by_their_rules_on_the_date() {
        let new_york = zone("america/new_york");
        assert_eq!(new_york.name(), "America/New_York", "found ignoring case");
        assert_defaults(
            "America/New_York",
            &[
                ("2024-01-05 09:30", "2024-01-05 14:30"),
                ("2024-07-05 09:30", "2024-07-05 13:30"),
            ],
        );
        assert_defaults("Asia/Kolkata", &[("2024-01-05 09:30", "2024-01-05 04:00")]);
        assert_eq!(
            new_york
                .offset_at(local("2024-07-05 13:30"))
                .local_minus_utc(),
            -4 * 3600
        );
        assert_eq!(
            new_york
                .offset_at(local("2024-11-03 06:30"))
                .local_minus_utc(),
            -5 * 3600,
            "after the clocks went back"
        );
        let plan = serde_json::to_string(&new_york).expect("serialise");
        assert_eq!(plan, "\"America/New_York\"");
        assert_eq!(serde_json::from_str::<TimeZone>(&plan).ok(), Some(new_york));
        assert!(TimeZone::names().any(|n| n == "Europe/London"));
    }

    /// New York springs forward at 02:00 to 03:00: 02:30 is shifted to 03:30 EDT by default.
    #[test]
    fn a_gap_shifts_forward_by_its_length_or_is_refused() {
        assert_defaults(
            "America/New_York",
            &[
                ("2024-03-10 01:59", "2024-03-10 06:59"),
                ("2024-03-10 02:00", "2024-03-10 07:00"),
                ("2024-03-10 02:30", "2024-03-10 07:30"),
                ("2024-03-10 03:30", "2024-03-10 07:30"),
            ],
        );
        let strict = policy("America/New_York", GapPolicy::Reject, OverlapPolicy::Reject);
        let Err(NoInstant::Skipped(gap)) = strict.to_utc(local("2024-03-10 02:30")) else {
            panic!("02:30 is in the gap");
        };
        assert_eq!(gap.local, local("2024-03-10 02:30"));
        assert_eq!(gap.before.local_minus_utc(), -5 * 3600);
        assert_eq!(gap.after.local_minus_utc(), -4 * 3600);
        assert_eq!(
            strict.to_utc(local("2024-03-10 03:00")),
            Ok(local("2024-03-10 07:00")),
            "03:00 exists"
        );
    }

    /// New York falls back at 02:00 to 01:00: 01:30 happens at 05:30 and again at 06:30 UTC.
    #[test]
    fn an_overlap_takes_the_instant_the_column_says() {
        let at = local("2024-11-03 01:30");
        let read = |overlap| policy("America/New_York", GapPolicy::Shift, overlap).to_utc(at);
        assert_eq!(read(OverlapPolicy::Earlier), Ok(local("2024-11-03 05:30")));
        assert_eq!(read(OverlapPolicy::Later), Ok(local("2024-11-03 06:30")));
        let Err(NoInstant::Repeated(overlap)) = read(OverlapPolicy::Reject) else {
            panic!("01:30 happens twice");
        };
        assert_eq!(overlap.before.local_minus_utc(), -4 * 3600);
        assert_eq!(overlap.after.local_minus_utc(), -5 * 3600);
        assert_defaults(
            "America/New_York",
            &[("2024-11-03 01:30", "2024-11-03 05:30")],
        );
    }

    /// Lord Howe Island moves its clocks by half an hour: 02:00→02:30 in October, back from
    /// 02:00 to 01:30 in April (standard time +10:30, summer time +11:00).
    #[test]
    fn a_half_hour_shift_has_a_half_hour_gap_and_overlap() {
        assert_defaults(
            "Australia/Lord_Howe",
            &[
                ("2024-10-06 02:15", "2024-10-05 15:45"),
                ("2024-10-06 02:45", "2024-10-05 15:45"),
                ("2024-04-07 01:45", "2024-04-06 14:45"),
            ],
        );
        let later = policy(
            "Australia/Lord_Howe",
            GapPolicy::Reject,
            OverlapPolicy::Later,
        );
        assert_eq!(
            later.to_utc(local("2024-04-07 01:45")),
            Ok(local("2024-04-06 15:15"))
        );
        assert!(matches!(
            later.to_utc(local("2024-10-06 02:15")),
            Err(NoInstant::Skipped(_))
        ));
        assert_eq!(
            later.to_utc(local("2024-10-06 01:45")),
            Ok(local("2024-10-05 15:15")),
            "before the gap"
        );
    }

    /// Sydney's summer runs from October to April: the gap is in October, the overlap in April.
    #[test]
    fn southern_zones_spring_forward_in_october() {
        assert_defaults(
            "Australia/Sydney",
            &[
                ("2024-07-01 12:00", "2024-07-01 02:00"),
                ("2024-10-06 02:30", "2024-10-05 16:30"),
                ("2024-04-07 02:30", "2024-04-06 15:30"),
            ],
        );
        let later = policy("Australia/Sydney", GapPolicy::Shift, OverlapPolicy::Later);
        assert_eq!(
            later.to_utc(local("2024-04-07 02:30")),
            Ok(local("2024-04-06 16:30"))
        );
    }

    /// The defaults are jiff's "compatible" disambiguation (java.time's and zoneinfo's), and
    /// `earlier` / `later` are jiff's in an overlap, at every quarter hour of days with a
    /// transition in zones with whole-hour, half-hour and southern rules.
    #[test]
    fn the_policies_agree_with_jiff_disambiguation() {
        let days = [
            "2024-03-10",
            "2024-11-03",
            "2024-10-06",
            "2024-04-07",
            "2024-03-31",
            "2024-10-27",
        ];
        let zones = [
            "America/New_York",
            "Australia/Lord_Howe",
            "Australia/Sydney",
            "Europe/London",
        ];
        let mut folds = 0;
        for name in zones {
            for day in days {
                for quarter in 0..96 {
                    let at = local(&format!("{day} 00:00")) + TimeDelta::minutes(15 * quarter);
                    folds += agrees_with_jiff(name, at);
                }
            }
        }
        // An hour of quarter hours in New York, Sydney and London, half an hour on Lord Howe.
        assert_eq!(folds, 4 + 4 + 4 + 2, "quarter hours met in an overlap");
    }

    /// Asserts that the policies give what jiff's disambiguations give; 1 when `at` is in an
    /// overlap.
    fn agrees_with_jiff(name: &str, at: NaiveDateTime) -> usize {
        use jiff::tz::AmbiguousOffset;
        let tz = jiff::tz::db().get(name).expect("a zone");
        let ambiguous = tz.to_ambiguous_timestamp(civil(at).expect("in range"));
        let utc = |ts: Result<jiff::Timestamp, jiff::Error>| {
            let seconds = ts.expect("in range").as_second();
            chrono::DateTime::from_timestamp(seconds, 0).map(|t| t.naive_utc())
        };
        let ours = |overlap| policy(name, GapPolicy::Shift, overlap).to_utc(at).ok();
        assert_eq!(
            ours(OverlapPolicy::Earlier),
            utc(ambiguous.compatible()),
            "{name} {at}"
        );
        if !matches!(ambiguous.offset(), AmbiguousOffset::Fold { .. }) {
            return 0;
        }
        assert_eq!(
            ours(OverlapPolicy::Earlier),
            utc(ambiguous.earlier()),
            "{name} {at}"
        );
        assert_eq!(
            ours(OverlapPolicy::Later),
            utc(ambiguous.later()),
            "{name} {at}"
        );
        1
    }

    #[test]
    fn years_the_database_cannot_convert_are_refused() {
        let far = chrono::NaiveDate::from_ymd_opt(10000, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("chrono holds year 10000");
        let defaults = ZonePolicy::with_defaults(zone("UTC"));
        assert_eq!(defaults.to_utc(far), Err(NoInstant::OutOfRange));
    }

    #[test]
    fn a_zone_policy_round_trips_through_a_plan() {
        let p = policy(
            "Australia/Lord_Howe",
            GapPolicy::Reject,
            OverlapPolicy::Later,
        );
        let json = serde_json::to_string(&p).expect("serialise");
        assert_eq!(
            json,
            r#"{"zone":"Australia/Lord_Howe","gap":"reject","overlap":"later"}"#
        );
        assert_eq!(serde_json::from_str::<ZonePolicy>(&json).ok(), Some(p));
        let bad = r#"{"zone":"Australia/Lord_Howe","gap":"forward","overlap":"later"}"#;
        assert!(serde_json::from_str::<ZonePolicy>(bad).is_err());
    }
}
