//! Service integrations in Task `Resource`s: the optimised integrations and which patterns
//! (request-response, `.sync`, `.waitForTaskToken`) each supports; EXPRESS restrictions.

use super::{Finding, Walker};
use crate::diagnostics::Code;

const RR: u8 = 1;
const SYNC: u8 = 2;
const WAIT: u8 = 4;

/// Optimised integrations whose patterns are known. SageMaker's list is complete (§1 of the
/// integration reference); for the other services, APIs missing here are not judged.
const KNOWN: &[(&str, &str, u8)] = &[
    ("sagemaker", "createTrainingJob", RR | SYNC),
    ("sagemaker", "createProcessingJob", RR | SYNC),
    ("sagemaker", "createTransformJob", RR | SYNC),
    ("sagemaker", "createHyperParameterTuningJob", RR | SYNC),
    ("sagemaker", "createLabelingJob", RR | SYNC),
    ("sagemaker", "createModel", RR),
    ("sagemaker", "createEndpointConfig", RR),
    ("sagemaker", "createEndpoint", RR),
    ("sagemaker", "updateEndpoint", RR),
    ("lambda", "invoke", RR | WAIT),
    ("sqs", "sendMessage", RR | WAIT),
    ("sns", "publish", RR | WAIT),
    ("dynamodb", "getItem", RR),
    ("dynamodb", "putItem", RR),
    ("dynamodb", "updateItem", RR),
    ("dynamodb", "deleteItem", RR),
    ("batch", "submitJob", RR | SYNC),
    ("ecs", "runTask", RR | SYNC | WAIT),
    ("glue", "startJobRun", RR | SYNC),
    ("states", "startExecution", RR | SYNC | WAIT),
    ("events", "putEvents", RR | WAIT),
    ("athena", "startQueryExecution", RR | SYNC),
    ("athena", "getQueryExecution", RR),
    ("athena", "getQueryResults", RR),
    ("athena", "stopQueryExecution", RR),
    ("elasticmapreduce", "addStep", RR | SYNC),
    ("elasticmapreduce", "createCluster", RR | SYNC),
    ("elasticmapreduce", "terminateCluster", RR | SYNC),
    ("elasticmapreduce", "cancelStep", RR),
    ("apigateway", "invoke", RR | WAIT),
    ("codebuild", "startBuild", RR | SYNC),
];

impl Walker<'_> {
    pub fn resource(&mut self, resource: &str, p: &str) {
        let Some(rest) = resource.strip_prefix("arn:aws:states:::") else {
            return;
        };
        let (base, pattern, name) = if let Some(b) = rest.strip_suffix(".waitForTaskToken") {
            (b, WAIT, ".waitForTaskToken")
        } else if let Some(b) = rest
            .strip_suffix(".sync:2")
            .or_else(|| rest.strip_suffix(".sync"))
        {
            (b, SYNC, ".sync")
        } else {
            (rest, RR, "")
        };
        if self.options.express && pattern != RR {
            self.out.push(Finding::new(
                Code::E129,
                p,
                format!("EXPRESS state machines do not support `{name}` integrations"),
            ));
        }
        if base.starts_with("aws-sdk:") {
            if pattern == SYNC {
                self.out.push(Finding::new(
                    Code::E128,
                    p,
                    "AWS SDK integrations (`aws-sdk:`) do not support `.sync`",
                ));
            }
            return;
        }
        let Some((service, api)) = base.split_once(':') else {
            return;
        };
        match KNOWN.iter().find(|(s, a, _)| *s == service && *a == api) {
            Some((_, _, allowed)) if allowed & pattern == 0 => {
                let mut f = Finding::new(
                    Code::E128,
                    p,
                    format!("`{service}:{api}` does not support `{name}`"),
                );
                let mut options = Vec::new();
                for (bit, label) in [
                    (RR, "request-response"),
                    (SYNC, "`.sync`"),
                    (WAIT, "`.waitForTaskToken`"),
                ] {
                    if allowed & bit != 0 {
                        options.push(label);
                    }
                }
                f.help = Some(format!(
                    "`{service}:{api}` supports: {}",
                    options.join(", ")
                ));
                self.out.push(f);
            }
            Some(_) => {}
            None if service == "sagemaker" => {
                let mut f = Finding::new(
                    Code::E128,
                    p,
                    format!("`sagemaker:{api}` is not an optimised SageMaker integration"),
                );
                let apis = KNOWN
                    .iter()
                    .filter(|(s, _, _)| *s == "sagemaker")
                    .map(|(_, a, _)| *a);
                f.help = Some(match crate::diagnostics::did_you_mean(api, apis) {
                    Some(g) => format!("did you mean `sagemaker:{g}`? Other SageMaker APIs go through `arn:aws:states:::aws-sdk:sagemaker:{api}`"),
                    None => format!("use the SDK integration `arn:aws:states:::aws-sdk:sagemaker:{api}`"),
                });
                self.out.push(f);
            }
            None => {}
        }
    }
}
