//! Retry policies → `Retry` blocks on the error names each integration really raises.
//! The mapping is documented in README.md ("Retry policies").

use crate::asl::model::Retrier;
use crate::check::{Policy, RetryClass};

/// The kinds of Task the compiler emits, as far as their errors differ.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Integration {
    /// `sagemaker:create*Job.sync` and `sagemaker:createModel`.
    SageMaker,
    /// `aws-sdk:sagemaker:*`.
    SageMakerSdk,
    Lambda,
    Sqs,
    Emr,
    /// `states:startExecution.sync:2`.
    StepFunctions,
}

pub fn errors(class: RetryClass, integration: Integration) -> &'static [&'static str] {
    use Integration::*;
    use RetryClass::*;
    match (integration, class) {
        (SageMaker, ServiceFault) => &["SageMaker.AmazonSageMakerException"],
        (SageMaker, Throttling) => &["SageMaker.AmazonSageMakerException", "ThrottlingException"],
        (SageMaker | SageMakerSdk, ResourceLimit) => &["SageMaker.ResourceLimitExceededException"],
        // A job that ran and failed is classified by its FailureReason (job_retry.rs), not retried
        // natively: a native retrier cannot tell capacity shortages from bugs.
        (SageMakerSdk, ServiceFault) => &["SageMaker.SageMakerException"],
        (SageMakerSdk, Throttling) => &["SageMaker.ThrottlingException"],
        (Lambda, ServiceFault) => &[
            "Lambda.ServiceException",
            "Lambda.AWSLambdaException",
            "Lambda.SdkClientException",
        ],
        (Lambda, Throttling) => &["Lambda.TooManyRequestsException"],
        (Sqs, ServiceFault | Throttling) => &["SQS.AmazonSQSException"],
        (Emr, ServiceFault | Throttling) => &["EMR.AmazonElasticMapReduceException"],
        (Emr, JobInternalError) => &["States.TaskFailed"],
        // The AWS SDK's exception names, as Step Functions prefixes them (unverified on AWS).
        (StepFunctions, ServiceFault) => &["StepFunctions.AWSStepFunctionsException"],
        (StepFunctions, Throttling) => &["StepFunctions.ExecutionLimitExceededException"],
        _ => &[],
    }
}

/// One retrier per policy, in the order the step lists them; policies whose classes do not
/// apply to the integration add nothing.
pub fn retriers<'a>(
    policies: impl IntoIterator<Item = &'a Policy>,
    integration: Integration,
) -> Vec<Retrier> {
    let mut out = Vec::new();
    for p in policies {
        let mut names: Vec<String> = Vec::new();
        for c in &p.classes {
            for e in errors(*c, integration) {
                if !names.iter().any(|n| n == e) {
                    names.push((*e).to_string());
                }
            }
        }
        if names.is_empty() {
            continue;
        }
        out.push(Retrier {
            error_equals: names,
            interval_seconds: p.interval_seconds,
            max_attempts: max_attempts(p),
            backoff_rate: p.backoff,
        });
    }
    if out.is_empty() && integration == Integration::Lambda {
        out.push(lambda_default());
    }
    out
}

/// `expire_after` has no ASL field: retry as many times as the backoff schedule fits in the
/// budget (at least once).
pub fn max_attempts(p: &Policy) -> u64 {
    if let Some(n) = p.max_attempts {
        return n as u64;
    }
    let budget = p.expire_after_seconds.unwrap_or(0) as f64;
    let (mut waited, mut wait, mut n) = (0.0, p.interval_seconds as f64, 0u64);
    while waited + wait <= budget && n < 1000 {
        waited += wait;
        wait *= p.backoff;
        n += 1;
    }
    n.max(1)
}

/// AWS's recommended retrier for Lambda tasks, used when a lambda step names no policy.
fn lambda_default() -> Retrier {
    Retrier {
        error_equals: [
            "Lambda.ServiceException",
            "Lambda.AWSLambdaException",
            "Lambda.SdkClientException",
            "Lambda.TooManyRequestsException",
        ]
        .map(String::from)
        .to_vec(),
        interval_seconds: 1,
        max_attempts: 3,
        backoff_rate: 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(max_attempts: Option<u32>, expire: Option<u64>) -> Policy {
        Policy {
            name: "p".into(),
            classes: vec![RetryClass::Throttling, RetryClass::ServiceFault],
            interval_seconds: 60,
            backoff: 2.0,
            max_attempts,
            expire_after_seconds: expire,
        }
    }

    #[test]
    fn expire_after_becomes_the_attempts_that_fit() {
        // 60 + 120 + 240 = 420 <= 600 < 900.
        assert_eq!(max_attempts(&policy(None, Some(600))), 3);
        assert_eq!(max_attempts(&policy(None, Some(10))), 1);
        assert_eq!(max_attempts(&policy(Some(4), None)), 4);
    }

    #[test]
    fn error_names_are_merged_without_duplicates() {
        let r = retriers([&policy(Some(5), None)], Integration::SageMaker);
        assert_eq!(
            r[0].error_equals,
            ["SageMaker.AmazonSageMakerException", "ThrottlingException"]
        );
    }
}
