//! The report as one self-contained HTML page (no script, no network): the SVG chart and the
//! tables, failed executions highlighted.

use super::super::{human, Report};
use super::{escape, marks, svg, trend};

pub fn html(r: &Report) -> String {
    let title = r.pipeline.as_deref().unwrap_or("state machine");
    let mut rows = String::new();
    for e in &r.executions {
        let failed = e.status != "SUCCEEDED";
        let cells: String = r
            .steps
            .iter()
            .map(|s| match e.steps.iter().find(|x| x.step == s.step) {
                Some(run) => format!("<td>{}{}</td>", human(run.seconds), marks(run)),
                None => "<td class=none>–</td>".into(),
            })
            .collect();
        rows.push_str(&format!(
            "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{cells}<td>{}</td></tr>\n",
            if failed { " class=failed" } else { "" },
            escape(&e.name),
            escape(&e.start),
            escape(&e.status),
            human(e.seconds),
            e.failure
                .as_ref()
                .map(|f| format!(
                    "{}: {}",
                    escape(f.step.as_deref().unwrap_or("?")),
                    escape(&f.error)
                ))
                .unwrap_or_default()
        ));
    }
    let heads: String = r
        .steps
        .iter()
        .map(|s| format!("<th>{}</th>", escape(&s.step)))
        .collect();
    let stats: String = r
        .steps
        .iter()
        .map(|s| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                escape(&s.step),
                s.runs,
                human(s.median),
                human(s.p90),
                human(s.max),
                trend(s.trend, s.median),
                s.failures,
                s.retries,
                s.cache_hits
            )
        })
        .collect();
    let problems: String = r
        .problems
        .iter()
        .map(|p| {
            format!(
                "<li><code>{}</code>: {}</li>",
                escape(&p.file),
                escape(&p.message)
            )
        })
        .collect();
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{t} — aslc report</title>
<style>
body {{ font-family: sans-serif; margin: 24px; color: #222; }}
table {{ border-collapse: collapse; margin: 12px 0 24px; }}
th, td {{ padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; white-space: nowrap; }}
tr.failed td {{ background: #fde8e8; }}
td.none {{ color: #aaa; }}
.problems {{ color: #a00; }}
</style>
</head>
<body>
<h1>{t}</h1>
<p>{n} executions. ✗ failed · ↻ retries · ⚡ cached result reused.</p>
{svg}
<h2>Executions</h2>
<table id="executions">
<tr><th>execution</th><th>start</th><th>status</th><th>total</th>{heads}<th>failure</th></tr>
{rows}</table>
<h2>Steps across executions</h2>
<table id="steps">
<tr><th>step</th><th>runs</th><th>median</th><th>p90</th><th>max</th><th>trend</th><th>failures</th><th>retries</th><th>cache hits</th></tr>
{stats}</table>
{problems}
</body>
</html>
"#,
        t = escape(title),
        n = r.executions.len(),
        svg = svg(r),
        problems = if problems.is_empty() {
            String::new()
        } else {
            format!("<h2>Problems</h2><ul class=problems>{problems}</ul>")
        }
    )
}
