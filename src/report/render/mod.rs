//! The report's renderings: text for a terminal, SVG (a Gantt chart per execution and a
//! sparkline per step) and a self-contained HTML page around that SVG.

mod html;
mod svg;
mod text;

pub use html::html;
pub use svg::svg;
pub use text::text;

use super::StepRun;

/// A step's colour: the same step has the same colour in every chart.
fn colour(index: usize) -> &'static str {
    const PALETTE: [&str; 10] = [
        "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#bab0ac",
        "#ff9da7", "#86bcb6",
    ];
    PALETTE[index % PALETTE.len()]
}

/// What happened beyond the duration: failure, retries, cache hit.
fn marks(r: &StepRun) -> String {
    let mut m = String::new();
    if r.failure.is_some() {
        m.push('✗');
    }
    if r.attempts > 1 {
        m.push_str(&format!("↻{}", r.attempts - 1));
    }
    if r.cache == Some("hit") {
        m.push('⚡');
    }
    m
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A trend as a person reads it: seconds per execution, with its direction.
fn trend(seconds_per_run: f64, median: f64) -> String {
    // Under 1% of the median per execution is noise, not a trend.
    if seconds_per_run.abs() < (median * 0.01).max(1.0) {
        "→ flat".into()
    } else if seconds_per_run > 0.0 {
        format!("↑ +{}/run", super::human(seconds_per_run))
    } else {
        format!("↓ -{}/run", super::human(-seconds_per_run))
    }
}
