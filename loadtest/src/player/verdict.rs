//! The goose run's thresholds, read from its metrics after the run.

use goose::metrics::GooseMetrics;

/// The run's problems, if any: failed requests (an answer the step did not
/// expect, or none at all) and p99s over `p99_ms`.
pub fn check(metrics: &GooseMetrics, p99_ms: usize) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    let mut total = 0usize;
    for (name, r) in &metrics.requests {
        total += r.success_count + r.fail_count;
        if r.fail_count > 0 {
            problems.push(format!(
                "{name}: {} of {} requests failed (statuses {:?})",
                r.fail_count,
                r.success_count + r.fail_count,
                r.status_code_counts
            ));
        }
        let p99 = percentile(&r.raw_data.times, 0.99);
        if p99 > p99_ms {
            problems.push(format!("{name}: p99 {p99} ms over {p99_ms} ms"));
        }
    }
    if total == 0 {
        problems.push("no request was made".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The `q` quantile of goose's response-time counts (milliseconds → count).
fn percentile(times: &std::collections::BTreeMap<usize, usize>, q: f64) -> usize {
    let n: usize = times.values().sum();
    let rank = (q * n as f64).ceil() as usize;
    let mut seen = 0;
    for (ms, count) in times {
        seen += count;
        if seen >= rank {
            return *ms;
        }
    }
    0
}
