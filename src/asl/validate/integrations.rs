//! Task `Resource`s: the shape of the ARN, the optimised integrations and the patterns
//! (request-response, `.sync`, `.waitForTaskToken`) each supports, and EXPRESS restrictions.

use super::pointer::Ptr;
use super::{Finding, Walker};
use crate::diagnostics::Code;

const RR: u8 = 1;
const SYNC: u8 = 2;
const WAIT: u8 = 4;

/// Whether a service's API list below is the whole list AWS documents (an API missing from it
/// is an error) or only the APIs whose patterns we know (a missing API is not judged).
#[derive(PartialEq)]
enum Apis {
    All,
    Some,
}

/// A service, whether its list is whole, and its APIs with the patterns each supports.
type Service = (&'static str, Apis, &'static [(&'static str, u8)]);

/// The optimised integrations, by service. Source: the Step Functions developer guide,
/// "Integrating optimized services" (integrate-optimized.html) and each service's
/// `connect-<service>` page, read 2026-12. Services absent from this table are not optimised
/// integrations: their APIs are called through `aws-sdk:<service>:<api>`.
const SERVICES: &[Service] = &[
    ("apigateway", Apis::All, &[("invoke", RR | WAIT)]),
    (
        "athena",
        Apis::All,
        &[
            ("startQueryExecution", RR | SYNC),
            ("stopQueryExecution", RR),
            ("getQueryExecution", RR),
            ("getQueryResults", RR),
        ],
    ),
    ("batch", Apis::All, &[("submitJob", RR | SYNC)]),
    (
        "bedrock",
        Apis::Some,
        &[
            ("invokeModel", RR),
            ("createModelCustomizationJob", RR | SYNC),
        ],
    ),
    (
        "codebuild",
        Apis::All,
        &[
            ("startBuild", RR | SYNC),
            ("stopBuild", RR),
            ("batchDeleteBuilds", RR),
            ("batchGetReports", RR),
            ("startBuildBatch", RR | SYNC),
            ("stopBuildBatch", RR),
            ("retryBuildBatch", RR | SYNC),
            ("deleteBuildBatch", RR),
        ],
    ),
    ("databrew", Apis::Some, &[("startJobRun", RR | SYNC)]),
    (
        "dynamodb",
        Apis::All,
        &[
            ("getItem", RR),
            ("putItem", RR),
            ("updateItem", RR),
            ("deleteItem", RR),
        ],
    ),
    ("ecs", Apis::All, &[("runTask", RR | SYNC | WAIT)]),
    ("eks", Apis::Some, &[("runJob", RR | SYNC), ("call", RR)]),
    (
        "elasticmapreduce",
        Apis::Some,
        &[
            ("addStep", RR | SYNC),
            ("cancelStep", RR),
            ("createCluster", RR | SYNC),
            ("terminateCluster", RR | SYNC),
        ],
    ),
    ("emr-containers", Apis::Some, &[("startJobRun", RR | SYNC)]),
    (
        "emr-serverless",
        Apis::All,
        &[
            ("createApplication", RR | SYNC),
            ("startApplication", RR | SYNC),
            ("stopApplication", RR | SYNC),
            ("deleteApplication", RR | SYNC),
            ("startJobRun", RR | SYNC),
            ("cancelJobRun", RR | SYNC),
        ],
    ),
    ("events", Apis::All, &[("putEvents", RR | WAIT)]),
    ("glue", Apis::All, &[("startJobRun", RR | SYNC)]),
    ("http", Apis::All, &[("invoke", RR)]),
    ("lambda", Apis::All, &[("invoke", RR | WAIT)]),
    ("mediaconvert", Apis::Some, &[("createJob", RR | SYNC)]),
    // Distributed Map's ItemReader and ResultWriter use these.
    (
        "s3",
        Apis::Some,
        &[("getObject", RR), ("listObjectsV2", RR), ("putObject", RR)],
    ),
    (
        "sagemaker",
        Apis::All,
        &[
            ("createTrainingJob", RR | SYNC),
            ("createProcessingJob", RR | SYNC),
            ("createTransformJob", RR | SYNC),
            ("createHyperParameterTuningJob", RR | SYNC),
            ("createLabelingJob", RR | SYNC),
            ("createModel", RR),
            ("createEndpointConfig", RR),
            ("createEndpoint", RR),
            ("updateEndpoint", RR),
        ],
    ),
    ("sns", Apis::All, &[("publish", RR | WAIT)]),
    ("sqs", Apis::All, &[("sendMessage", RR | WAIT)]),
    ("states", Apis::All, &[("startExecution", RR | SYNC | WAIT)]),
];

impl Walker<'_, '_> {
    pub fn resource(&mut self, resource: &str, p: &Ptr) {
        if let Err(why) = arn_shape(resource) {
            self.out.push(Finding::new(Code::E135, p, why));
            return;
        }
        // arn : partition : service : region : account : the rest
        let parts: Vec<&str> = resource.splitn(6, ':').collect();
        let rest = parts.get(5).copied().unwrap_or("");
        if let Some(who) = self.express() {
            if parts.get(2) == Some(&"states") && rest.starts_with("activity:") {
                self.out.push(Finding::new(
                    Code::E129,
                    p,
                    format!("{who} do not support activities"),
                ));
            }
        }
        if parts.get(2..5) == Some(&["states", "", ""]) {
            self.integration(rest, p);
        }
    }

    /// Whether the state being checked runs as an EXPRESS execution, and what runs it.
    fn express(&self) -> Option<&'static str> {
        if self.express_children {
            Some("the EXPRESS child executions of a Distributed Map")
        } else if self.options.express {
            Some("EXPRESS state machines")
        } else {
            None
        }
    }

    /// `rest` is what follows `arn:<partition>:states:::`.
    fn integration(&mut self, rest: &str, p: &Ptr) {
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
        if let (Some(who), true) = (self.express(), pattern != RR) {
            self.out.push(Finding::new(
                Code::E129,
                p,
                format!("{who} do not support `{name}` integrations"),
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
        let (service, api) = base.split_once(':').unwrap_or((base, ""));
        let Some((_, list, apis)) = SERVICES.iter().find(|(s, _, _)| *s == service) else {
            let mut f = Finding::new(
                Code::E128,
                p,
                format!("`{service}` is not an optimised integration"),
            );
            f.help = Some(format!(
                "call it through the AWS SDK integration: `arn:aws:states:::aws-sdk:{base}`"
            ));
            self.out.push(f);
            return;
        };
        match apis.iter().find(|(a, _)| *a == api) {
            Some((_, allowed)) if allowed & pattern == 0 => self
                .out
                .push(wrong_pattern(service, api, name, *allowed, p)),
            Some(_) => {}
            None if *list == Apis::All => self.out.push(unknown_api(service, api, apis, p)),
            None => {}
        }
    }
}

/// A Resource is an ARN, or holds `${Name}` placeholders that a template's
/// `DefinitionSubstitutions` replaces before AWS reads it.
fn arn_shape(r: &str) -> Result<(), String> {
    let mut rest = r;
    let mut placeholders = false;
    while let Some(i) = rest.find("${") {
        let Some(j) = rest[i..].find('}') else {
            return Err(format!(
                "`{}` opens a `${{` placeholder that is never closed",
                &rest[i..]
            ));
        };
        placeholders = true;
        rest = &rest[i + j + 1..];
    }
    if placeholders || (r.starts_with("arn:") && r.split(':').count() >= 6) {
        Ok(())
    } else {
        Err(format!(
            "`{r}` is not an ARN (`arn:<partition>:<service>:<region>:<account>:<resource>`)"
        ))
    }
}

fn wrong_pattern(service: &str, api: &str, name: &str, allowed: u8, p: &Ptr) -> Finding {
    let mut f = Finding::new(
        Code::E128,
        p,
        format!("`{service}:{api}` does not support `{name}`"),
    );
    let options: Vec<&str> = [
        (RR, "request-response"),
        (SYNC, "`.sync`"),
        (WAIT, "`.waitForTaskToken`"),
    ]
    .into_iter()
    .filter(|(bit, _)| allowed & bit != 0)
    .map(|(_, label)| label)
    .collect();
    f.help = Some(format!(
        "`{service}:{api}` supports: {}",
        options.join(", ")
    ));
    f
}

fn unknown_api(service: &str, api: &str, apis: &[(&str, u8)], p: &Ptr) -> Finding {
    let mut f = Finding::new(
        Code::E128,
        p,
        format!("`{service}:{api}` is not an optimised integration"),
    );
    let names = apis.iter().map(|(a, _)| *a);
    f.help = Some(match crate::diagnostics::did_you_mean(api, names) {
        Some(g) => format!(
            "did you mean `{service}:{g}`? Other APIs go through `arn:aws:states:::aws-sdk:{service}:{api}`"
        ),
        None => format!("use the AWS SDK integration `arn:aws:states:::aws-sdk:{service}:{api}`"),
    });
    f
}
