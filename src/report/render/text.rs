//! The report as text tables for a terminal.

use super::super::{human, Report};
use super::{marks, trend};

pub fn text(r: &Report) -> String {
    let mut out = String::new();
    let title = r.pipeline.as_deref().unwrap_or("state machine");
    out.push_str(&format!(
        "{title}: {} execution{}\n\n",
        r.executions.len(),
        if r.executions.len() == 1 { "" } else { "s" }
    ));
    let mut rows = vec![vec![
        "execution".to_string(),
        "start".into(),
        "status".into(),
        "total".into(),
        "failed in".into(),
    ]];
    for e in &r.executions {
        rows.push(vec![
            e.name.clone(),
            e.start.clone(),
            e.status.clone(),
            human(e.seconds),
            e.failure
                .as_ref()
                .map(|f| format!("{} ({})", f.step.as_deref().unwrap_or("?"), f.error))
                .unwrap_or_default(),
        ]);
    }
    table(&mut out, &rows);

    out.push_str("\nper step (✗ failed, ↻ retries, ⚡ cached)\n");
    let mut rows = vec![std::iter::once("execution".to_string())
        .chain(r.steps.iter().map(|s| s.step.clone()))
        .collect::<Vec<_>>()];
    for e in &r.executions {
        let mut row = vec![e.name.clone()];
        for s in &r.steps {
            row.push(match e.steps.iter().find(|x| x.step == s.step) {
                Some(run) => format!("{}{}", human(run.seconds), marks(run)),
                None => "-".into(),
            });
        }
        rows.push(row);
    }
    table(&mut out, &rows);

    out.push_str("\nacross executions\n");
    let mut rows = vec![[
        "step",
        "runs",
        "median",
        "p90",
        "max",
        "trend",
        "failures",
        "retries",
        "cache hits",
    ]
    .map(String::from)
    .to_vec()];
    for s in &r.steps {
        rows.push(vec![
            s.step.clone(),
            s.runs.to_string(),
            human(s.median),
            human(s.p90),
            human(s.max),
            format!("{} {}", trend(s.trend, s.median), spark(&s.seconds)),
            s.failures.to_string(),
            s.retries.to_string(),
            s.cache_hits.to_string(),
        ]);
    }
    table(&mut out, &rows);
    out
}

fn table(out: &mut String, rows: &[Vec<String>]) {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        out.push_str("  ");
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
}

/// A sparkline of durations: one block per execution, `·` where the step did not run.
fn spark(seconds: &[Option<f64>]) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = seconds.iter().flatten().fold(0.0f64, |a, b| a.max(*b));
    seconds
        .iter()
        .map(|s| match s {
            Some(v) if max > 0.0 => BLOCKS[((v / max) * 7.0).round() as usize],
            Some(_) => BLOCKS[0],
            None => '·',
        })
        .collect()
}
