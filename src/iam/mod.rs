//! The least-privilege IAM policy the state machine's role needs (`aslc compile --emit iam`
//! writes it as `X.iam.json`). Every statement comes from the lowering's plan: each step kind
//! says what its request needs (`src/steps/`), the lowering adds what its own states call
//! (property-file reads, the cache table, lineage). Reference: sagemaker-integration.md §3.
//! Where AWS allows nothing narrower than `*`, README.md says why.

use crate::lower::Plan;
use crate::steps::Grant;
use serde_json::{json, Value};

/// The policy document for a lowered pipeline.
pub fn policy(plan: &Plan) -> Value {
    statements(&plan.grants)
}

/// The policy document granting `grants`.
pub fn statements(grants: &[Grant]) -> Value {
    let statements: Vec<Value> = grants
        .iter()
        .map(|g| {
            let mut s = json!({
                "Sid": g.sid,
                "Effect": "Allow",
                "Action": g.actions,
                "Resource": if g.resources.len() == 1 { json!(g.resources[0]) } else { json!(g.resources) },
            });
            if let Some(c) = &g.condition {
                s["Condition"] = c.clone();
            }
            s
        })
        .collect();
    json!({ "Version": "2012-10-17", "Statement": statements })
}
