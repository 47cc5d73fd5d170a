//! Calendar arithmetic and `strftime` for `os.date` and `os.time`: broken-down time
//! from seconds (proleptic Gregorian, any 64-bit year), seconds from a normalised
//! date table (as C `mktime` normalises out-of-range fields), and every conversion the
//! reference accepts under C99 (`aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%` and the `E`/`O`
//! modified forms), rendered as glibc does in the C locale.
//!
//! Time zones: the local zone is read once from the zoneinfo file named by `TZ`
//! (`:Area/City`, `Area/City` under `/usr/share/zoneinfo`, or an absolute path) or else
//! `/etc/localtime` (TZif versions 1-4, 64-bit data when present); times after the
//! file's last transition follow the POSIX rule of its footer (`EST5EDT,M3.2.0,M11.1.0`:
//! `M`, `J` and day-of-year rules with optional times). A `TZ` that names no file is
//! read as such a rule; failing all that, local time is UTC.
//! `!` (UTC) dates name their zone `GMT`, as glibc's `gmtime` does.

use std::sync::OnceLock;

/// A broken-down time (C's `struct tm`, with the full year and 1-based month).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tm {
    /// The year (e.g. 2024).
    pub year: i64,
    /// Month, 1-12.
    pub month: i64,
    /// Day of the month, 1-31.
    pub day: i64,
    /// Hour, 0-23.
    pub hour: i64,
    /// Minute, 0-59.
    pub min: i64,
    /// Second, 0-60.
    pub sec: i64,
    /// Day of the week, 1-7 with Sunday 1 (Lua's `wday`).
    pub wday: i64,
    /// Day of the year, 1-366 (Lua's `yday`).
    pub yday: i64,
    /// Daylight saving time in effect.
    pub isdst: bool,
    /// Offset east of UTC in seconds.
    pub gmtoff: i64,
    /// The zone's abbreviation (`%Z`).
    pub zone: &'static str,
}

/// The C99 conversions `os.date` accepts: single letters, then (after `||`) the
/// two-character `E`/`O` forms (the reference's `L_STRFTIMEC99`).
const OPTIONS: &str =
    "aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%||EcECExEXEyEYOdOeOHOIOmOMOSOuOUOVOwOWOy";

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, any day number).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The date of a day number (days since 1970-01-01): `(year, month, day)`.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// UTC broken-down time of `t` seconds since the epoch (`gmtime`).
pub fn gmtime(t: i64) -> Tm {
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    let (year, month, day) = civil_from_days(days);
    Tm {
        year,
        month,
        day,
        hour: secs / 3600,
        min: secs % 3600 / 60,
        sec: secs % 60,
        wday: (days + 4).rem_euclid(7) + 1,
        yday: days - days_from_civil(year, 1, 1) + 1,
        isdst: false,
        gmtoff: 0,
        zone: "GMT",
    }
}

/// Local broken-down time of `t` (`localtime`) in the local zone (see the module
/// documentation).
pub fn localtime(t: i64) -> Tm {
    local_zone().localtime(t)
}

/// Seconds since the epoch of a local date whose fields may be out of range (`mktime`):
/// months carry into years, seconds into minutes and so on, as C normalises them.
/// `isdst` is the `isdst` field: `None` lets the zone decide. Returns `None` when the
/// result does not fit. `os.time` then reads the normalised fields back from
/// [`localtime`].
pub fn mktime(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    min: i64,
    sec: i64,
    isdst: Option<bool>,
) -> Option<i64> {
    let lt = naive_seconds(year, month, day, hour, min, sec)?;
    Some(local_zone().to_utc(lt, isdst))
}

/// Seconds of a date read as UTC, with C's normalisation of out-of-range fields.
fn naive_seconds(year: i64, month: i64, day: i64, hour: i64, min: i64, sec: i64) -> Option<i64> {
    let m0 = month.checked_sub(1)?;
    let year = year.checked_add(m0.div_euclid(12))?;
    let month = m0.rem_euclid(12) + 1;
    if year.abs() > 1 << 40 {
        return None;
    }
    let days = days_from_civil(year, month, 1).checked_add(day.checked_sub(1)?)?;
    days.checked_mul(86400)?
        .checked_add(hour.checked_mul(3600)?)?
        .checked_add(min.checked_mul(60)?)?
        .checked_add(sec)
}

/// One local time type of a zone: offset east of UTC, daylight saving, abbreviation.
#[derive(Clone, Debug, PartialEq, Eq)]
struct TimeType {
    offset: i64,
    dst: bool,
    abbr: &'static str,
}

/// A time zone read from a TZif file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    /// Transition times (UTC seconds), ascending, with the type that starts at each.
    transitions: Vec<(i64, usize)>,
    types: Vec<TimeType>,
    /// The footer's rule, for times after the last transition.
    rule: Option<PosixRule>,
}

/// A POSIX `TZ` rule: standard time, and daylight time with its start and end.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PosixRule {
    std: TimeType,
    dst: Option<(TimeType, RuleDate, RuleDate)>,
}

/// When a daylight-time period starts or ends: a date form and a local time of day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RuleDate {
    /// `Jn`: day 1-365, February 29 never counted.
    Julian(i64, i64),
    /// `n`: day 0-365, counting February 29.
    Zero(i64, i64),
    /// `Mm.w.d`: weekday `d` (0 Sunday) of week `w` (5: last) of month `m`.
    Month(i64, i64, i64, i64),
}

impl RuleDate {
    /// The local seconds (since the epoch, as if UTC) of this date in `year`.
    fn local_seconds(self, year: i64) -> i64 {
        let jan1 = days_from_civil(year, 1, 1);
        let (day, time) = match self {
            RuleDate::Julian(n, t) => {
                let leap_shift = i64::from(is_leap(year) && n >= 60);
                (jan1 + n - 1 + leap_shift, t)
            }
            RuleDate::Zero(n, t) => (jan1 + n, t),
            RuleDate::Month(m, w, d, t) => {
                let first = days_from_civil(year, m, 1);
                let wday_first = (first + 4).rem_euclid(7);
                let mut day = first + (d - wday_first).rem_euclid(7) + (w - 1) * 7;
                let next_month = if m == 12 {
                    days_from_civil(year + 1, 1, 1)
                } else {
                    days_from_civil(year, m + 1, 1)
                };
                while day >= next_month {
                    day -= 7;
                }
                (day, t)
            }
        };
        day * 86400 + time
    }
}

/// A cursor over a POSIX `TZ` string.
struct TzParser<'a> {
    s: &'a [u8],
    i: usize,
}

impl TzParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// A zone abbreviation: 3+ letters, or `<...>`.
    fn name(&mut self) -> Option<&'static str> {
        let (start, end);
        if self.eat(b'<') {
            start = self.i;
            end = start + self.s[start..].iter().position(|&c| c == b'>')?;
            self.i = end + 1;
        } else {
            start = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                self.i += 1;
            }
            end = self.i;
        }
        if end - start < 3 {
            return None;
        }
        let name = String::from_utf8_lossy(&self.s[start..end]).into_owned();
        Some(Box::leak(name.into_boxed_str()))
    }

    fn num(&mut self) -> Option<i64> {
        let start = self.i;
        let mut n = 0i64;
        while let Some(c) = self.peek().filter(u8::is_ascii_digit) {
            n = n * 10 + i64::from(c - b'0');
            self.i += 1;
        }
        (self.i > start).then_some(n)
    }

    /// `[+-]hh[:mm[:ss]]` in seconds.
    fn time(&mut self) -> Option<i64> {
        let sign = if self.eat(b'-') {
            -1
        } else {
            self.eat(b'+');
            1
        };
        let h = self.num()?;
        let m = if self.eat(b':') { self.num()? } else { 0 };
        let sec = if self.eat(b':') { self.num()? } else { 0 };
        Some(sign * (h * 3600 + m * 60 + sec))
    }

    fn date(&mut self) -> Option<RuleDate> {
        let form = if self.eat(b'J') {
            (0, self.num()?, 0, 0)
        } else if self.eat(b'M') {
            let m = self.num()?;
            self.eat(b'.').then_some(())?;
            let w = self.num()?;
            self.eat(b'.').then_some(())?;
            (2, m, w, self.num()?)
        } else {
            (1, self.num()?, 0, 0)
        };
        let t = if self.eat(b'/') { self.time()? } else { 7200 };
        Some(match form {
            (0, n, _, _) => RuleDate::Julian(n, t),
            (1, n, _, _) => RuleDate::Zero(n, t),
            (_, m, w, d) => RuleDate::Month(m, w, d, t),
        })
    }
}

/// Parses a POSIX `TZ` string (a TZif footer), or `None`.
fn parse_posix_tz(s: &[u8]) -> Option<PosixRule> {
    let mut p = TzParser { s, i: 0 };
    let std_name = p.name()?;
    let std_off = -p.time()?;
    let std = TimeType {
        offset: std_off,
        dst: false,
        abbr: std_name,
    };
    if p.i == s.len() {
        return Some(PosixRule { std, dst: None });
    }
    let dst_name = p.name()?;
    let dst_off = match p.peek() {
        Some(c) if c != b',' => -p.time()?,
        _ => std_off + 3600,
    };
    let dst = TimeType {
        offset: dst_off,
        dst: true,
        abbr: dst_name,
    };
    let (start, end) = if p.eat(b',') {
        let a = p.date()?;
        p.eat(b',').then_some(())?;
        (a, p.date()?)
    } else {
        (
            RuleDate::Month(3, 2, 0, 7200),
            RuleDate::Month(11, 1, 0, 7200),
        )
    };
    Some(PosixRule {
        std,
        dst: Some((dst, start, end)),
    })
}

impl PosixRule {
    /// The type in effect at UTC time `t`.
    fn type_at(&self, t: i64) -> &TimeType {
        let Some((dst, start, end)) = &self.dst else {
            return &self.std;
        };
        let year = gmtime(t + self.std.offset).year;
        let on = start.local_seconds(year) - self.std.offset;
        let off = end.local_seconds(year) - dst.offset;
        let in_dst = if on < off {
            on <= t && t < off
        } else {
            !(off <= t && t < on)
        };
        if in_dst { dst } else { &self.std }
    }
}

impl Zone {
    /// UTC, named `UTC`.
    pub fn utc() -> Self {
        Zone {
            transitions: Vec::new(),
            types: vec![TimeType {
                offset: 0,
                dst: false,
                abbr: "UTC",
            }],
            rule: None,
        }
    }

    /// Parses a TZif file (RFC 8536); `None` if it is not one.
    pub fn parse(data: &[u8]) -> Option<Self> {
        fn be32(d: &[u8], at: usize) -> Option<i64> {
            Some(i64::from(i32::from_be_bytes(
                d.get(at..at + 4)?.try_into().ok()?,
            )))
        }
        fn counts(d: &[u8], at: usize) -> Option<[usize; 6]> {
            if d.get(at..at + 4)? != b"TZif" {
                return None;
            }
            let mut c = [0usize; 6];
            for (k, v) in c.iter_mut().enumerate() {
                *v = usize::try_from(be32(d, at + 20 + 4 * k)?).ok()?;
            }
            Some(c) // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
        }
        let version = *data.get(4)?;
        let c = counts(data, 0)?;
        let v1_len = c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
        let (base, c, tsize) = if version >= b'2' {
            let at = 44 + v1_len;
            (at + 44, counts(data, at)?, 8)
        } else {
            (44, c, 4)
        };
        let [_, _, _, timecnt, typecnt, charcnt] = c;
        if typecnt == 0 {
            return None;
        }
        let idx_at = base + timecnt * tsize;
        let types_at = idx_at + timecnt;
        let chars_at = types_at + typecnt * 6;
        let chars = data.get(chars_at..chars_at + charcnt)?;
        let mut types = Vec::with_capacity(typecnt);
        for k in 0..typecnt {
            let at = types_at + 6 * k;
            let offset = be32(data, at)?;
            let dst = *data.get(at + 4)? != 0;
            let ai = usize::from(*data.get(at + 5)?);
            let abbr = chars.get(ai..)?;
            let end = abbr.iter().position(|&b| b == 0).unwrap_or(abbr.len());
            let abbr: &'static str = Box::leak(
                String::from_utf8_lossy(&abbr[..end])
                    .into_owned()
                    .into_boxed_str(),
            );
            types.push(TimeType { offset, dst, abbr });
        }
        let mut transitions = Vec::with_capacity(timecnt);
        for k in 0..timecnt {
            let t = if tsize == 8 {
                i64::from_be_bytes(data.get(base + 8 * k..base + 8 * k + 8)?.try_into().ok()?)
            } else {
                be32(data, base + 4 * k)?
            };
            let ty = usize::from(*data.get(idx_at + k)?);
            if ty >= typecnt {
                return None;
            }
            transitions.push((t, ty));
        }
        // The footer (version 2+): a POSIX TZ string between newlines.
        let mut rule = None;
        if tsize == 8 {
            let end = chars_at + charcnt + c[2] * 12 + c[1] + c[0];
            if let Some(rest) = data.get(end..)
                && rest.first() == Some(&b'\n')
                && let Some(len) = rest[1..].iter().position(|&b| b == b'\n')
            {
                rule = parse_posix_tz(&rest[1..1 + len]);
            }
        }
        Some(Zone {
            transitions,
            types,
            rule,
        })
    }

    /// The type in effect at UTC time `t`: before the first transition, the first
    /// standard-time type (RFC 8536's rule), else the type of the last transition.
    fn type_at(&self, t: i64) -> &TimeType {
        let i = self.transitions.partition_point(|&(tt, _)| tt <= t);
        if i == 0 {
            match (&self.rule, self.transitions.is_empty()) {
                (Some(rule), true) => rule.type_at(t),
                _ => self
                    .types
                    .iter()
                    .find(|ty| !ty.dst)
                    .unwrap_or(&self.types[0]),
            }
        } else if i == self.transitions.len()
            && let Some(rule) = &self.rule
        {
            rule.type_at(t)
        } else {
            &self.types[self.transitions[i - 1].1]
        }
    }

    /// Local broken-down time of UTC time `t`.
    pub fn localtime(&self, t: i64) -> Tm {
        let ty = self.type_at(t);
        let local = gmtime(t.saturating_add(ty.offset));
        Tm {
            isdst: ty.dst,
            gmtoff: ty.offset,
            zone: ty.abbr,
            ..local
        }
    }

    /// UTC time of local (naive) time `lt`, as glibc's `mktime` resolves it: with
    /// `isdst` unknown, a valid reading (the standard-time one when a time repeats), or
    /// in a gap the offset from before it; with `isdst` given, the offset of the
    /// nearest type with that flag (an hour off the standard one if there is none).
    fn to_utc(&self, lt: i64, isdst: Option<bool>) -> i64 {
        let before = self.type_at(lt.saturating_sub(86400 * 2)).clone();
        let after = self.type_at(lt.saturating_add(86400 * 2)).clone();
        let here = self
            .type_at(lt.saturating_sub(self.type_at(lt).offset))
            .clone();
        let candidates = [here, before.clone(), after];
        match isdst {
            None => {
                let valid: Vec<&TimeType> = candidates
                    .iter()
                    .filter(|c| self.type_at(lt - c.offset).offset == c.offset)
                    .collect();
                match valid.iter().find(|c| !c.dst).or(valid.first()) {
                    Some(c) => lt - c.offset,
                    None => lt - before.offset,
                }
            }
            Some(flag) => {
                if let Some(c) = candidates.iter().find(|c| c.dst == flag) {
                    return lt - c.offset;
                }
                let near = self.type_at(lt - candidates[0].offset);
                // The most recent type with that flag, else the next one.
                let i = self
                    .transitions
                    .partition_point(|&(tt, _)| tt <= lt - near.offset);
                let (past, future) = self.transitions.split_at(i);
                let found = past
                    .iter()
                    .rev()
                    .chain(future)
                    .map(|&(_, ty)| &self.types[ty])
                    .find(|ty| ty.dst == flag);
                match found {
                    Some(ty) => lt - ty.offset,
                    None if flag => lt - near.offset - 3600,
                    None => lt - near.offset + 3600,
                }
            }
        }
    }
}

/// The local zone, read once (see the module documentation).
pub fn local_zone() -> &'static Zone {
    static ZONE: OnceLock<Zone> = OnceLock::new();
    ZONE.get_or_init(|| {
        let path = match std::env::var("TZ") {
            Ok(tz) => {
                let tz = tz.strip_prefix(':').unwrap_or(&tz).to_string();
                if tz.is_empty() {
                    None
                } else if tz.starts_with('/') {
                    Some(std::path::PathBuf::from(tz))
                } else if tz.contains("..") {
                    None
                } else {
                    Some(std::path::Path::new("/usr/share/zoneinfo").join(tz))
                }
            }
            Err(_) => Some(std::path::PathBuf::from("/etc/localtime")),
        };
        let from_file = path
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|d| Zone::parse(&d));
        // A TZ that names no file may be a POSIX rule (`EST5EDT,M3.2.0,M11.1.0`).
        let from_rule = || {
            let tz = std::env::var("TZ").ok()?;
            let rule = parse_posix_tz(tz.as_bytes())?;
            Some(Zone {
                transitions: Vec::new(),
                types: vec![rule.std.clone()],
                rule: Some(rule),
            })
        };
        from_file.or_else(from_rule).unwrap_or_else(Zone::utc)
    })
}

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The ISO 8601 week-based year and week number of a date.
fn iso_week(tm: &Tm) -> (i64, i64) {
    let wday_mon = (tm.wday + 5) % 7; // Monday 0 .. Sunday 6
    let yday0 = tm.yday - 1;
    let mut year = tm.year;
    let mut week = (yday0 - wday_mon + 10) / 7;
    if week < 1 {
        year -= 1;
        let days_prev = if is_leap(year) { 366 } else { 365 };
        week = (yday0 + days_prev - wday_mon + 10) / 7;
    } else {
        let days = if is_leap(year) { 366 } else { 365 };
        if week == 53 && yday0 - wday_mon + 3 >= days {
            // The Thursday of this week is in the next year.
            year += 1;
            week = 1;
        }
    }
    (year, week)
}

/// An invalid conversion: the reference reports the rest of the format from the `%`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidConversion(pub Vec<u8>);

impl std::fmt::Display for InvalidConversion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid conversion specifier '%{}'",
            String::from_utf8_lossy(&self.0)
        )
    }
}

/// Formats `tm` by `fmt` as `os.date` (after its `!` and `*t` handling). An invalid
/// conversion is argument error 1 with the [`InvalidConversion`] text.
pub fn strftime(fmt: &[u8], tm: &Tm) -> Result<Vec<u8>, InvalidConversion> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < fmt.len() {
        if fmt[i] != b'%' {
            out.push(fmt[i]);
            i += 1;
            continue;
        }
        let conv = &fmt[i + 1..];
        let len = check_option(conv).ok_or_else(|| InvalidConversion(conv.to_vec()))?;
        let c = conv[len - 1]; // E and O forms render as the plain conversion
        convert(&mut out, c, tm);
        i += 1 + len;
    }
    Ok(out)
}

/// The length of the valid conversion at the start of `conv`, if any.
fn check_option(conv: &[u8]) -> Option<usize> {
    let mut oplen = 1;
    let opts = OPTIONS.as_bytes();
    let mut k = 0;
    while k < opts.len() && oplen <= conv.len() {
        if opts[k] == b'|' {
            oplen += 1; // the separator `||` is skipped whole by the step below
        } else if opts[k..k + oplen] == conv[..oplen] {
            return Some(oplen);
        }
        k += oplen;
    }
    None
}

fn convert(out: &mut Vec<u8>, c: u8, tm: &Tm) {
    let mut put = |s: String| out.extend_from_slice(s.as_bytes());
    let hour12 = if tm.hour % 12 == 0 { 12 } else { tm.hour % 12 };
    let wday0 = tm.wday - 1;
    match c {
        b'a' => put(WEEKDAYS[wday0 as usize][..3].to_string()),
        b'A' => put(WEEKDAYS[wday0 as usize].to_string()),
        b'b' | b'h' => put(MONTHS[(tm.month - 1) as usize][..3].to_string()),
        b'B' => put(MONTHS[(tm.month - 1) as usize].to_string()),
        b'c' => {
            let s = format!(
                "{} {} {:2} {:02}:{:02}:{:02} {}",
                &WEEKDAYS[wday0 as usize][..3],
                &MONTHS[(tm.month - 1) as usize][..3],
                tm.day,
                tm.hour,
                tm.min,
                tm.sec,
                tm.year
            );
            put(s)
        }
        b'C' => put(format!("{:02}", tm.year.div_euclid(100))),
        b'd' => put(format!("{:02}", tm.day)),
        b'D' | b'x' => put(format!(
            "{:02}/{:02}/{:02}",
            tm.month,
            tm.day,
            tm.year.rem_euclid(100)
        )),
        b'e' => put(format!("{:2}", tm.day)),
        b'F' => put(format!("{}-{:02}-{:02}", tm.year, tm.month, tm.day)),
        b'g' => put(format!("{:02}", iso_week(tm).0.rem_euclid(100))),
        b'G' => put(iso_week(tm).0.to_string()),
        b'H' => put(format!("{:02}", tm.hour)),
        b'I' => put(format!("{hour12:02}")),
        b'j' => put(format!("{:03}", tm.yday)),
        b'm' => put(format!("{:02}", tm.month)),
        b'M' => put(format!("{:02}", tm.min)),
        b'n' => put("\n".into()),
        b'p' => put(if tm.hour < 12 { "AM" } else { "PM" }.into()),
        b'r' => put(format!(
            "{hour12:02}:{:02}:{:02} {}",
            tm.min,
            tm.sec,
            if tm.hour < 12 { "AM" } else { "PM" }
        )),
        b'R' => put(format!("{:02}:{:02}", tm.hour, tm.min)),
        b'S' => put(format!("{:02}", tm.sec)),
        b't' => put("\t".into()),
        b'T' | b'X' => put(format!("{:02}:{:02}:{:02}", tm.hour, tm.min, tm.sec)),
        b'u' => put(if wday0 == 0 { 7 } else { wday0 }.to_string()),
        b'U' => put(format!("{:02}", (tm.yday - 1 + 7 - wday0) / 7)),
        b'V' => put(format!("{:02}", iso_week(tm).1)),
        b'w' => put(wday0.to_string()),
        b'W' => put(format!("{:02}", (tm.yday - 1 + 7 - (wday0 + 6) % 7) / 7)),
        b'y' => put(format!("{:02}", tm.year.rem_euclid(100))),
        b'Y' => put(tm.year.to_string()),
        b'z' => {
            let off = tm.gmtoff;
            let sign = if off < 0 { '-' } else { '+' };
            let a = off.abs() / 60;
            put(format!("{sign}{:02}{:02}", a / 60, a % 60))
        }
        b'Z' => put(tm.zone.to_string()),
        _ => put("%".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(fmt: &str, t: i64) -> String {
        match strftime(fmt.as_bytes(), &gmtime(t)) {
            Ok(v) => String::from_utf8(v).unwrap(),
            Err(e) => format!("error: {e}"),
        }
    }

    // Expected values from lua5.4's os.date("!...").

    #[test]
    fn conversions_match_reference() {
        assert_eq!(
            utc(
                "%c|%x|%X|%D|%e|%g|%G|%V|%U|%W|%j|%u|%w|%p|%I|%r|%R|%T|%F|%C|%y|%z|%Z|%h|%n|%t|%%|%Ec|%Oy",
                0
            ),
            "Thu Jan  1 00:00:00 1970|01/01/70|00:00:00|01/01/70| 1|70|1970|01|00|00|001|4|4|AM|12|\
             12:00:00 AM|00:00|00:00:00|1970-01-01|19|70|+0000|GMT|Jan|\n|\t|%|Thu Jan  1 00:00:00 1970|70"
        );
        assert_eq!(
            utc("%Y-%m-%d %H:%M:%S %A %B %a %b", 1_700_000_000),
            "2023-11-14 22:13:20 Tuesday November Tue Nov"
        );
        assert_eq!(utc("%Y", -62167219200 - 86400 * 366), "-2");
        assert_eq!(utc("%c", 100_000_000_000), "Wed Nov 16 09:46:40 5138");
        assert_eq!(utc("%G %V %g", 1_609_459_200), "2020 53 20");
    }

    #[test]
    fn week_numbers_match_reference() {
        // lua5.4: for each t, os.date("!%Y-%m-%d %a %U %W %V %G %j", t)
        let cases = [
            (1_704_067_200, "2024-01-01 Mon 00 01 01 2024 001"),
            (1_735_603_200, "2024-12-31 Tue 52 53 01 2025 366"),
            (1_230_768_000, "2009-01-01 Thu 00 00 01 2009 001"),
            (1_262_217_600, "2009-12-31 Thu 52 52 53 2009 365"),
            (1_293_753_600, "2010-12-31 Fri 52 52 52 2010 365"),
            (1_294_012_800, "2011-01-03 Mon 01 01 01 2011 003"),
        ];
        for (t, want) in cases {
            assert_eq!(utc("%Y-%m-%d %a %U %W %V %G %j", t), want, "t={t}");
        }
    }

    #[test]
    fn invalid_conversions_match_reference() {
        assert_eq!(
            utc("%Ez abc", 0),
            "error: invalid conversion specifier '%Ez abc'"
        );
        assert_eq!(utc("%", 0), "error: invalid conversion specifier '%'");
        assert_eq!(utc("%Q", 0), "error: invalid conversion specifier '%Q'");
        assert_eq!(utc("x%E", 0), "error: invalid conversion specifier '%E'");
    }

    #[test]
    fn calendar_roundtrips() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        // mktime normalises: month 13 is January of the next year, day 0 the last day
        // of the previous month, negative seconds borrow.
        assert_eq!(
            naive_seconds(2023, 13, 1, 0, 0, 0),
            naive_seconds(2024, 1, 1, 0, 0, 0)
        );
        assert_eq!(
            naive_seconds(2024, 3, 0, 12, 0, 0),
            naive_seconds(2024, 2, 29, 12, 0, 0)
        );
        assert_eq!(naive_seconds(1970, 1, 1, 0, 0, -1), Some(-1));
        assert_eq!(naive_seconds(2000, 1, 1, 0, 0, 0), Some(946_684_800));
        assert_eq!(gmtime(951_782_400).day, 29);
        assert_eq!(gmtime(-1).year, 1969);
    }

    #[test]
    fn zoneinfo_matches_reference() {
        // Expected values from `TZ=America/New_York lua5.4`. The zoneinfo file comes
        // from the system's tzdata; without it there is nothing to compare.
        let Ok(data) = std::fs::read("/usr/share/zoneinfo/America/New_York") else {
            return;
        };
        let z = Zone::parse(&data).expect("a TZif file");
        let show = |t: i64| {
            let tm = z.localtime(t);
            let s = strftime(b"%Y-%m-%d %H:%M:%S %Z %z", &tm).unwrap();
            format!("{} {}", String::from_utf8(s).unwrap(), tm.isdst)
        };
        assert_eq!(show(0), "1969-12-31 19:00:00 EST -0500 false");
        assert_eq!(show(1_700_000_000), "2023-11-14 17:13:20 EST -0500 false");
        assert_eq!(show(1_710_054_000), "2024-03-10 03:00:00 EDT -0400 true");
        assert_eq!(show(1_710_050_400), "2024-03-10 01:00:00 EST -0500 false");
        assert_eq!(show(1_730_613_600), "2024-11-03 01:00:00 EST -0500 false");
        let utc = |y, mo, d, h, mi, dst| z.to_utc(naive_seconds(y, mo, d, h, mi, 0).unwrap(), dst);
        assert_eq!(utc(2024, 3, 10, 2, 30, None), 1_710_055_800);
        assert_eq!(utc(2024, 11, 3, 1, 30, None), 1_730_615_400);
        assert_eq!(utc(2024, 11, 3, 1, 30, Some(false)), 1_730_615_400);
        assert_eq!(utc(2024, 11, 3, 1, 30, Some(true)), 1_730_611_800);
        assert_eq!(utc(2024, 7, 1, 12, 0, Some(false)), 1_719_853_200);
        assert_eq!(utc(1900, 1, 1, 0, 0, None), -2_208_970_800);
    }

    #[test]
    fn utc_zone_resolves_isdst_as_glibc() {
        let z = Zone::utc();
        let lt = naive_seconds(2020, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(z.to_utc(lt, None), 1_577_836_800);
        assert_eq!(z.to_utc(lt, Some(false)), 1_577_836_800);
        // lua5.4 (UTC): os.time{year=2020,month=1,day=1,hour=0,isdst=true}
        assert_eq!(z.to_utc(lt, Some(true)), 1_577_833_200);
        assert_eq!(z.localtime(0).zone, "UTC");
        assert!(Zone::parse(b"not a zone").is_none());
    }

    #[test]
    fn posix_rules_match_reference() {
        // lua5.4 with TZ=America/New_York, Europe/Paris, Australia/Lord_Howe after 2037
        // (beyond the zoneinfo files' transitions, where the footer rule applies).
        let ny = parse_posix_tz(b"EST5EDT,M3.2.0,M11.1.0").unwrap();
        assert_eq!(ny.type_at(2_200_000_000).abbr, "EDT");
        assert_eq!(ny.type_at(1_700_000_000).abbr, "EST");
        let paris = parse_posix_tz(b"CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        assert_eq!(paris.type_at(2_200_000_000).offset, 7200);
        assert_eq!(paris.type_at(1_700_000_000).offset, 3600);
        let lh = parse_posix_tz(b"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0").unwrap();
        assert_eq!(lh.type_at(2_200_000_000).abbr, "+1030"); // September 2039
        assert_eq!(lh.type_at(2_210_000_000).abbr, "+11"); // January 2040
        let fixed = parse_posix_tz(b"<+0530>-5:30").unwrap();
        assert_eq!(fixed.type_at(0).offset, 19800);
        assert!(parse_posix_tz(b"X").is_none());
        let mar1 = days_from_civil(2024, 3, 1) * 86400;
        assert_eq!(RuleDate::Julian(60, 0).local_seconds(2024), mar1);
        assert_eq!(RuleDate::Zero(59, 0).local_seconds(2024), mar1 - 86400);
    }
}
