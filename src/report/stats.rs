//! Across executions: each step's median, p90 and maximum duration, and its trend.

use super::{Execution, Folding};
use serde::Serialize;

#[derive(Serialize, Debug)]
pub struct StepStats {
    pub step: String,
    /// Executions in which the step ran.
    pub runs: usize,
    pub median: f64,
    pub p90: f64,
    pub max: f64,
    /// Least-squares slope of its duration over the executions, in seconds per execution.
    pub trend: f64,
    /// Its duration in each execution (oldest first); `null` where it did not run.
    pub seconds: Vec<Option<f64>>,
    /// Executions in which it failed.
    pub failures: usize,
    /// Attempts beyond the first, over all executions.
    pub retries: usize,
    pub cache_hits: usize,
}

pub fn across(executions: &[Execution], folding: Option<&Folding>) -> Vec<StepStats> {
    let mut names: Vec<String> = match folding {
        Some(f) => f.steps.iter().map(|s| s.step.clone()).collect(),
        None => Vec::new(),
    };
    for e in executions {
        for r in &e.steps {
            if !names.contains(&r.step) {
                names.push(r.step.clone());
            }
        }
    }
    names
        .into_iter()
        .filter_map(|step| {
            let runs: Vec<Option<&super::StepRun>> = executions
                .iter()
                .map(|e| e.steps.iter().find(|r| r.step == step))
                .collect();
            let seconds: Vec<Option<f64>> = runs.iter().map(|r| r.map(|r| r.seconds)).collect();
            let mut present: Vec<f64> = seconds.iter().flatten().copied().collect();
            if present.is_empty() {
                return None;
            }
            present.sort_by(f64::total_cmp);
            let ran = runs.iter().flatten();
            Some(StepStats {
                runs: present.len(),
                median: percentile(&present, 50.0),
                p90: percentile(&present, 90.0),
                max: present[present.len() - 1],
                trend: slope(&seconds),
                failures: ran.clone().filter(|r| r.failure.is_some()).count(),
                retries: ran.clone().map(|r| r.attempts.saturating_sub(1)).sum(),
                cache_hits: ran.filter(|r| r.cache == Some("hit")).count(),
                seconds,
                step,
            })
        })
        .collect()
}

/// Nearest-rank percentile of sorted values; the median of an even count is the mean of the
/// middle two.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if p == 50.0 && n % 2 == 0 {
        return (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
    let rank = ((p / 100.0) * n as f64).ceil().max(1.0) as usize;
    sorted[rank.min(n) - 1]
}

fn slope(seconds: &[Option<f64>]) -> f64 {
    let points: Vec<(f64, f64)> = seconds
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|s| (i as f64, s)))
        .collect();
    let n = points.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (mx, my) = (
        points.iter().map(|p| p.0).sum::<f64>() / n,
        points.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let var: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if var == 0.0 {
        return 0.0;
    }
    points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum::<f64>() / var
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_trend() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(percentile(&v, 50.0), 5.5);
        assert_eq!(percentile(&v, 90.0), 9.0);
        assert_eq!(percentile(&[4.0], 90.0), 4.0);
        assert_eq!(slope(&[Some(10.0), None, Some(30.0)]), 10.0);
        assert_eq!(slope(&[Some(10.0)]), 0.0);
    }
}
