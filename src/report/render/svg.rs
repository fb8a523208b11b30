//! The report as one SVG: a Gantt chart per execution (one row per night, each step a bar on
//! the time since the execution started) and a sparkline per step across executions.

use super::super::{human, Report};
use super::{colour, escape, marks};
use std::fmt::Write;

const LABEL: f64 = 260.0;
const CHART: f64 = 640.0;
const ROW: f64 = 22.0;
const TOP: f64 = 40.0;
const SPARK: f64 = 220.0;

pub fn svg(r: &Report) -> String {
    let longest = r
        .executions
        .iter()
        .map(|e| e.seconds)
        .fold(1.0f64, f64::max);
    let gantt_h = TOP + ROW * r.executions.len() as f64 + 30.0;
    let spark_h = 30.0 + ROW * r.steps.len() as f64;
    // Room on the right for what a row says after its last bar.
    let (w, h) = (LABEL + CHART + 200.0, gantt_h + spark_h + 10.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12" role="img">"#
    );
    let title = r.pipeline.as_deref().unwrap_or("state machine");
    let _ = write!(
        s,
        r#"<title>{} — {} executions</title><text x="8" y="20" font-size="15" font-weight="bold">{} — each execution's steps on its timeline</text>"#,
        escape(title),
        r.executions.len(),
        escape(title)
    );
    axis(&mut s, longest, gantt_h - 26.0);
    for (i, e) in r.executions.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let failed = e.status != "SUCCEEDED";
        if failed {
            let _ = write!(
                s,
                r##"<rect x="0" y="{}" width="{w}" height="{ROW}" fill="#fde8e8"/>"##,
                y - 3.0
            );
        }
        let _ = write!(
            s,
            r#"<text x="8" y="{}" class="night">{} · {} · {}</text>"#,
            y + 12.0,
            escape(&e.name),
            escape(&e.status),
            human(e.seconds)
        );
        for run in &e.steps {
            let idx = r.steps.iter().position(|x| x.step == run.step).unwrap_or(0);
            let x = LABEL + CHART * run.start / longest;
            let bw = (CHART * run.seconds / longest).max(2.0);
            let hit = run.cache == Some("hit");
            let stroke = if run.failure.is_some() {
                r##" stroke="#c00" stroke-width="2""##
            } else if hit {
                r##" stroke="#333" stroke-dasharray="3 2""##
            } else {
                ""
            };
            let _ = write!(
                s,
                r#"<rect x="{x:.1}" y="{y}" width="{bw:.1}" height="{}" fill="{}" fill-opacity="{}"{stroke}><title>{}: {} ({} attempt{}){}</title></rect>"#,
                ROW - 6.0,
                colour(idx),
                if hit { 0.35 } else { 0.9 },
                escape(&run.step),
                human(run.seconds),
                run.attempts,
                if run.attempts == 1 { "" } else { "s" },
                run.failure
                    .as_ref()
                    .map(|f| format!(", failed: {}", escape(&f.error)))
                    .unwrap_or_default()
            );
        }
        // What happened beyond the durations, after the row's last bar: "↻1 TrainXGB".
        let said: Vec<String> = e
            .steps
            .iter()
            .filter_map(|run| {
                let m = marks(run);
                (!m.is_empty()).then(|| format!("{m} {}", escape(&run.step)))
            })
            .collect();
        if !said.is_empty() {
            let end = e
                .steps
                .iter()
                .map(|r| r.start + r.seconds)
                .fold(0.0, f64::max);
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{}" font-size="11">{}</text>"#,
                LABEL + CHART * end / longest + 6.0,
                y + 12.0,
                said.join(" · ")
            );
        }
    }
    sparklines(&mut s, r, gantt_h);
    s.push_str("</svg>\n");
    s
}

/// The time axis under the Gantt rows: ticks at round minutes.
fn axis(s: &mut String, longest: f64, y: f64) {
    let step = [60.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0]
        .into_iter()
        .find(|t| longest / t <= 10.0)
        .unwrap_or(28800.0);
    let _ = write!(
        s,
        r##"<line x1="{LABEL}" y1="{y}" x2="{}" y2="{y}" stroke="#999"/>"##,
        LABEL + CHART
    );
    let mut t = 0.0;
    while t <= longest {
        let x = LABEL + CHART * t / longest;
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{y}" stroke="#ddd"/><text x="{x:.1}" y="{}" text-anchor="middle" fill="#555">{}</text>"##,
            TOP - 4.0,
            y + 14.0,
            human(t)
        );
        t += step;
    }
}

/// One row per step: its colour, name, median / p90 / max, and its durations across executions.
fn sparklines(s: &mut String, r: &Report, top: f64) {
    let _ = write!(
        s,
        r#"<text x="8" y="{}" font-weight="bold">Steps across executions (median · p90 · max)</text>"#,
        top + 14.0
    );
    for (i, st) in r.steps.iter().enumerate() {
        let y = top + 30.0 + ROW * i as f64;
        let _ = write!(
            s,
            r##"<rect x="8" y="{}" width="12" height="12" fill="{}"/><text x="26" y="{}">{}</text><text x="{}" y="{}" fill="#333">{} · {} · {}</text>"##,
            y - 10.0,
            colour(i),
            y,
            escape(&st.step),
            LABEL - 100.0,
            y,
            human(st.median),
            human(st.p90),
            human(st.max)
        );
        let n = st.seconds.len().max(2) as f64 - 1.0;
        let points: Vec<String> = st
            .seconds
            .iter()
            .enumerate()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .map(|(k, v)| {
                format!(
                    "{:.1},{:.1}",
                    LABEL + 120.0 + SPARK * k as f64 / n,
                    y - 12.0 * v / st.max.max(1.0)
                )
            })
            .collect();
        let _ = write!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="1.5"/>"#,
            points.join(" "),
            colour(i)
        );
        for (k, run) in r.executions.iter().enumerate() {
            if run
                .steps
                .iter()
                .any(|x| x.step == st.step && x.failure.is_some())
            {
                let _ = write!(
                    s,
                    r##"<circle cx="{:.1}" cy="{}" r="3" fill="#c00"/>"##,
                    LABEL + 120.0 + SPARK * k as f64 / n,
                    y - 6.0
                );
            }
        }
    }
}
