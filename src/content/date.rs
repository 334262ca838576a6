//! Dates as written in front matter: `YYYY-MM-DD`, or RFC 3339 (`2025-01-20T09:30:00+08:00`).
//!
//! A [`Date`] keeps the calendar date, an optional time of day and an optional UTC offset.
//! Dates without an offset are read as Beijing time (UTC+08:00) when ordering or printing
//! RFC 3339. Invalid dates (2024-02-30, 2024-13-01) are rejected with a plain message.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A published/updated/written date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    /// Hours, minutes, seconds, when given.
    pub time: Option<(u8, u8, u8)>,
    /// Offset from UTC in minutes, when given.
    pub offset_minutes: Option<i16>,
}

const BEIJING: i16 = 8 * 60;

impl Date {
    pub fn ymd(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(Date {
            year,
            month,
            day,
            time: None,
            offset_minutes: None,
        })
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` or RFC 3339.
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
        let bad = || format!("“{s}”不是有效的日期，应写成 YYYY-MM-DD（如 2025-01-20）或 2025-01-20T09:30:00+08:00");
        let b = s.as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok())?
        };
        let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
            return Err(bad());
        };
        let mut date = Date::ymd(y as i32, m as u8, d as u8).ok_or_else(|| {
            if (1..=12).contains(&m) {
                format!("日期“{s}”不存在：{y}年{m}月只有{}天", days_in_month(y as i32, m as u8))
            } else {
                format!("日期“{s}”不存在：月份应在 1 到 12 之间")
            }
        })?;
        let rest = &s[10..];
        if rest.is_empty() {
            return Ok(date);
        }
        let rest = rest.strip_prefix(['T', 't', ' ']).ok_or_else(bad)?;
        let rb = rest.as_bytes();
        if rb.len() < 5 || rb[2] != b':' {
            return Err(bad());
        }
        let (Some(hh), Some(mm)) = (num2(rest, 0), num2(rest, 3)) else {
            return Err(bad());
        };
        let mut i = 5;
        let mut ss = 0;
        if rb.get(5) == Some(&b':') {
            ss = num2(rest, 6).ok_or_else(bad)?;
            i = 8;
            if rb.get(8) == Some(&b'.') {
                i = 9;
                while rb.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
        }
        if hh > 23 || mm > 59 || ss > 60 {
            return Err(format!("时间“{s}”不存在"));
        }
        date.time = Some((hh, mm, ss.min(59)));
        let tz = &rest[i..];
        date.offset_minutes = match tz {
            "" => None,
            "Z" | "z" => Some(0),
            _ => {
                let sign = match tz.as_bytes()[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return Err(bad()),
                };
                let t = &tz[1..];
                let (Some(oh), Some(om)) = (num2(t, 0), if t.len() == 5 { num2(t, 3) } else { num2(t, 2) }) else {
                    return Err(bad());
                };
                if !(t.len() == 5 && &t[2..3] == ":" || t.len() == 4) || oh > 23 || om > 59 {
                    return Err(bad());
                }
                Some(sign * (oh as i16 * 60 + om as i16))
            }
        };
        Ok(date)
    }

    /// Seconds since 1970-01-01T00:00:00Z (dates without offset are Beijing time).
    pub fn timestamp(&self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        let (h, m, s) = self.time.unwrap_or((0, 0, 0));
        let off = self.offset_minutes.unwrap_or(BEIJING) as i64;
        days * 86_400 + h as i64 * 3600 + m as i64 * 60 + s as i64 - off * 60
    }

    /// `2025-01-20`
    pub fn ymd_string(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `2025年1月20日`
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }

    /// RFC 3339, e.g. `2025-01-20T00:00:00+08:00`.
    pub fn rfc3339(&self) -> String {
        let (h, m, s) = self.time.unwrap_or((0, 0, 0));
        let off = self.offset_minutes.unwrap_or(BEIJING);
        let sign = if off < 0 { '-' } else { '+' };
        let o = off.unsigned_abs();
        format!(
            "{}T{h:02}:{m:02}:{s:02}{sign}{:02}:{:02}",
            self.ymd_string(),
            o / 60,
            o % 60
        )
    }

    /// `2025-01-20 09:30` (the PubDate format of the inspection rules; 00:00 without a time).
    pub fn ymd_hm(&self) -> String {
        let (h, m, _) = self.time.unwrap_or((0, 0, 0));
        format!("{} {h:02}:{m:02}", self.ymd_string())
    }

    /// Formats with a small strftime subset: %Y %m %d %H %M %S %e (day without padding)
    /// %-m %-d and %%.
    pub fn format(&self, fmt: &str) -> String {
        let (h, mi, s) = self.time.unwrap_or((0, 0, 0));
        let mut out = String::with_capacity(fmt.len() + 8);
        let mut it = fmt.chars().peekable();
        while let Some(c) = it.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let mut spec = it.next().unwrap_or('%');
            let unpadded = spec == '-';
            if unpadded {
                spec = it.next().unwrap_or('%');
            }
            let two = |v: u8| if unpadded { v.to_string() } else { format!("{v:02}") };
            match spec {
                'Y' => out.push_str(&self.year.to_string()),
                'm' => out.push_str(&two(self.month)),
                'd' => out.push_str(&two(self.day)),
                'e' => out.push_str(&self.day.to_string()),
                'H' => out.push_str(&two(h)),
                'M' => out.push_str(&two(mi)),
                'S' => out.push_str(&two(s)),
                '%' => out.push('%'),
                other => {
                    out.push('%');
                    out.push(other);
                }
            }
        }
        out
    }
}

fn num2(s: &str, at: usize) -> Option<u8> {
    let p = s.get(at..at + 2)?;
    if p.bytes().all(|c| c.is_ascii_digit()) {
        p.parse().ok()
    } else {
        None
    }
}

impl Ord for Date {
    fn cmp(&self, other: &Self) -> Ordering {
        self.timestamp().cmp(&other.timestamp())
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.time {
            None => f.write_str(&self.ymd_string()),
            Some(_) => f.write_str(&self.rfc3339()),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date (YYYY-MM-DD)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(|m| E::custom(format!("pufa: {m}")))
            }
        }
        d.deserialize_str(V)
    }
}

impl Date {
    /// Today in Beijing time (for `pufa new`, `pufa check` and the publishing day of a build:
    /// future `date`s and `expiry`; nothing else in a build reads the clock).
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Date::from_days((secs + i64::from(BEIJING) * 60).div_euclid(86_400))
    }

    /// RFC 2822, as RSS wants it: `Sat, 01 Mar 2025 09:30:00 +0800` (Beijing time when the
    /// date has no offset, midnight when it has no time).
    pub fn rfc2822(&self) -> String {
        const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (h, mi, s) = self.time.unwrap_or((0, 0, 0));
        let off = self.offset_minutes.unwrap_or(BEIJING);
        let sign = if off < 0 { '-' } else { '+' };
        let off = off.unsigned_abs();
        format!(
            "{}, {:02} {} {} {h:02}:{mi:02}:{s:02} {sign}{:02}{:02}",
            DAYS[self.days().rem_euclid(7) as usize],
            self.day,
            MONTHS[usize::from(self.month.clamp(1, 12) - 1)],
            self.year,
            off / 60,
            off % 60
        )
    }

    /// Days since 1970-01-01 of the calendar date (the time of day is ignored).
    pub fn days(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    /// The calendar date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        let (y, m, d) = civil_from_days(days);
        Date {
            year: y,
            month: m,
            day: d,
            time: None,
            offset_minutes: None,
        }
    }
}

/// Calendar date of days since 1970-01-01 (inverse of `days_from_civil`).
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 (proleptic Gregorian), after Howard Hinnant's algorithm.
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let d = Date::parse("2025-01-20").unwrap();
        assert_eq!((d.year, d.month, d.day, d.time), (2025, 1, 20, None));
        let t = Date::parse("2025-01-20T09:30:00+08:00").unwrap();
        assert_eq!(t.time, Some((9, 30, 0)));
        assert_eq!(t.offset_minutes, Some(480));
        assert_eq!(t.rfc3339(), "2025-01-20T09:30:00+08:00");
        assert_eq!(Date::parse("2025-01-20 09:30").unwrap().ymd_hm(), "2025-01-20 09:30");
        assert_eq!(Date::parse("2025-01-20T01:00:00Z").unwrap().offset_minutes, Some(0));
    }

    #[test]
    fn rejects_impossible_dates_in_plain_words() {
        assert!(Date::parse("2024-02-30").unwrap_err().contains("29天"));
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("2024-13-01").unwrap_err().contains("月份"));
        assert!(Date::parse("2024年1月").is_err());
        assert!(Date::parse("2024-01-01T25:00:00Z").is_err());
    }

    #[test]
    fn orders_by_instant() {
        let a = Date::parse("2025-01-20T00:30:00+08:00").unwrap();
        let b = Date::parse("2025-01-19T17:00:00Z").unwrap();
        assert!(a < b);
        assert_eq!(Date::parse("1970-01-01T00:00:00Z").unwrap().timestamp(), 0);
    }

    #[test]
    fn civil_round_trips() {
        for days in [-1000_i64, 0, 1, 59, 365, 10_957, 20_000, 30_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn formats() {
        let d = Date::parse("2025-03-05").unwrap();
        assert_eq!(d.format("%Y年%-m月%-d日"), "2025年3月5日");
        assert_eq!(d.chinese(), "2025年3月5日");
    }
}
