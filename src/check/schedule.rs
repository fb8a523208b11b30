//! Schedule expressions, as EventBridge Scheduler takes them: `cron(m h dom mon dow year)`,
//! `rate(N unit)`, `at(yyyy-mm-ddThh:mm:ss)`. Errors point at the offending field.

/// Check an expression; the error is (byte range inside the expression, message).
pub fn check(expr: &str) -> Result<(), (std::ops::Range<usize>, String)> {
    let whole = 0..expr.len();
    if let Some(inner) = expr.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) {
        return cron(inner, 5);
    }
    if let Some(inner) = expr.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        return rate(inner).map_err(|m| (whole, m));
    }
    if let Some(inner) = expr.strip_prefix("at(").and_then(|r| r.strip_suffix(')')) {
        let ok = crate::asl::is_timestamp(&format!("{inner}Z")) && !inner.ends_with('Z');
        return if ok {
            Ok(())
        } else {
            Err((whole, format!("`at(...)` takes a date and time such as `at(2028-02-16T02:00:00)`, not `{inner}`")))
        };
    }
    Err((whole, "a schedule is `cron(minutes hours day-of-month month day-of-week year)`, `rate(N unit)` or `at(yyyy-mm-ddThh:mm:ss)`".into()))
}

fn rate(inner: &str) -> Result<(), String> {
    let mut parts = inner.split_whitespace();
    let (Some(n), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err("`rate(...)` takes a value and a unit, such as `rate(12 hours)`".into());
    };
    let n: u64 = n
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{n}` is not a positive whole number"))?;
    let singular = matches!(unit, "minute" | "hour" | "day");
    let plural = matches!(unit, "minutes" | "hours" | "days");
    match (n, singular, plural) {
        (1, true, _) | (2.., _, true) => Ok(()),
        (1, _, true) => Err(format!(
            "write `rate(1 {})`: the unit is singular for 1",
            unit.trim_end_matches('s')
        )),
        (_, true, _) => Err(format!(
            "write `rate({n} {unit}s)`: the unit is plural for values above 1"
        )),
        _ => Err(format!("unknown unit `{unit}`: use minutes, hours or days")),
    }
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// `offset`: where the fields start inside the whole expression (after `cron(`).
fn cron(inner: &str, offset: usize) -> Result<(), (std::ops::Range<usize>, String)> {
    let mut fields = Vec::new();
    let mut start = None;
    for (i, c) in inner.char_indices().chain([(inner.len(), ' ')]) {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                fields.push((s, &inner[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if fields.len() != 6 {
        let whole = offset..offset + inner.len();
        return Err((whole, format!("a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), found {}", fields.len())));
    }
    const NAMES: [&str; 6] = [
        "minutes",
        "hours",
        "day-of-month",
        "month",
        "day-of-week",
        "year",
    ];
    const RANGES: [(u32, u32); 6] = [(0, 59), (0, 23), (1, 31), (1, 12), (1, 7), (1970, 2199)];
    for (k, (at, field)) in fields.iter().enumerate() {
        let span = offset + at..offset + at + field.len();
        let (lo, hi) = RANGES[k];
        let names: &[&str] = match k {
            3 => &MONTHS,
            4 => &DAYS,
            _ => &[],
        };
        let value = |v: &str| -> bool {
            if let Ok(n) = v.parse::<u32>() {
                return (lo..=hi).contains(&n);
            }
            names.contains(&v.to_ascii_uppercase().as_str())
        };
        let ok = match *field {
            "*" => true,
            "?" => k == 2 || k == 4,
            "L" => k == 2 || k == 4,
            f => f.split(',').all(|item| {
                let (range, step) = match item.split_once('/') {
                    Some((r, s)) => (r, Some(s)),
                    None => (item, None),
                };
                let step_ok = step.is_none_or(|s| s.parse::<u32>().is_ok_and(|n| n > 0));
                let range_ok = range == "*"
                    || match range.split_once('-') {
                        Some((a, b)) => value(a) && value(b),
                        None => {
                            value(range)
                                || (k == 2 && range.strip_suffix('W').is_some_and(value))
                                || (k == 4
                                    && range.split_once('#').is_some_and(|(d, n)| {
                                        value(d) && matches!(n, "1" | "2" | "3" | "4" | "5")
                                    }))
                                || (k == 4 && range.strip_suffix('L').is_some_and(value))
                        }
                    };
                step_ok && range_ok
            }),
        };
        if !ok {
            let help = match k {
                3 => " (1-12 or JAN-DEC)".to_string(),
                4 => " (1-7 or SUN-SAT, `?`, `L`, `#`)".to_string(),
                _ => format!(" ({lo}-{hi})"),
            };
            return Err((span, format!("invalid {} field `{field}`{help}", NAMES[k])));
        }
    }
    let (dom, dow) = (fields[2].1, fields[4].1);
    if (dom == "?") == (dow == "?") {
        let (at, f) = fields[4];
        return Err((
            offset + at..offset + at + f.len(),
            "exactly one of day-of-month and day-of-week must be `?`".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn expressions() {
        for ok in [
            "cron(0 2 * * ? *)",
            "cron(0/15 8-17 ? * MON-FRI *)",
            "cron(0 0 L * ? 2028)",
            "cron(30 6 ? * 2#1 *)",
            "rate(1 day)",
            "rate(12 hours)",
            "at(2028-02-16T02:00:00)",
        ] {
            assert!(check(ok).is_ok(), "{ok}: {:?}", check(ok));
        }
        for bad in [
            "cron(0 2 * * *)",
            "cron(0 25 * * ? *)",
            "cron(0 2 * * * *)",
            "cron(0 2 ? * ? *)",
            "cron(0 2 * FOO ? *)",
            "rate(1 days)",
            "rate(5 hour)",
            "rate(0 minutes)",
            "every day",
            "at(tomorrow)",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
        // The error points at the field.
        let (span, _) = check("cron(0 25 * * ? *)").expect_err("bad hour");
        assert_eq!(&"cron(0 25 * * ? *)"[span], "25");
    }
}
