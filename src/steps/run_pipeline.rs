//! `run_pipeline`: start another compiled pipeline's state machine and wait for it
//! (`states:startExecution.sync:2`, whose result carries the execution's output as JSON).

use super::*;
use crate::check::RunPipeline;

impl RunPipeline {
    /// The called state machine's ARN, or its name when the ARN is made at run time.
    fn name(&self) -> &str {
        self.state_machine
            .rsplit_once(":stateMachine:")
            .map_or(&self.state_machine, |(_, n)| n)
    }
}

impl Kind for RunPipeline {
    fn request(&self, _step: &str, _cx: &Cx) -> Request {
        let mut r = Request::new(
            "arn:aws:states:::states:startExecution.sync:2",
            Integration::StepFunctions,
        );
        if self.state_machine.starts_with("arn:") {
            r.parameters
                .insert("StateMachineArn".into(), json!(self.state_machine));
        } else {
            r.parameters.insert(
                "StateMachineArn.$".into(),
                json!(same_account_machine(&self.state_machine)),
            );
        }
        r.parameters.insert(
            "Input".into(),
            with(|m| {
                self.params.iter().for_each(|n| put(m, &n.name, &n.value));
                // The console links the child execution to this one.
                m.insert(
                    "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$".into(),
                    json!("$$.Execution.Id"),
                );
            }),
        );
        r.outputs = vec![
            ("output".into(), "$.Output".into()),
            ("execution_arn".into(), "$.ExecutionArn".into()),
        ];
        r.always = &["execution_arn"];
        r
    }

    fn grants(&self, _step: &str, cx: &Cx) -> Vec<Grant> {
        let account = cx.account;
        let (machine, executions) = match self.state_machine.strip_prefix("arn:") {
            Some(_) => (
                self.state_machine.clone(),
                self.state_machine
                    .replacen(":stateMachine:", ":execution:", 1)
                    + ":*",
            ),
            None => (
                format!("arn:aws:states:*:{account}:stateMachine:{}", self.name()),
                format!("arn:aws:states:*:{account}:execution:{}:*", self.name()),
            ),
        };
        vec![
            Grant::new("StartPipelines", &["states:StartExecution"], vec![machine]),
            Grant::new(
                "AwaitPipelines",
                &["states:DescribeExecution", "states:StopExecution"],
                vec![executions],
            ),
            Grant::new(
                "AwaitPipelineEvents",
                &["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                vec![format!(
                    "arn:aws:events:*:{account}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"
                )],
            ),
        ]
    }

    fn values(&self) -> Vec<&Val> {
        self.params.iter().map(|n| &n.value).collect()
    }

    fn lineage(&self, _step: &str) -> Lineage {
        Lineage {
            action: "PipelineExecution",
            source: Val::str(self.state_machine.clone()),
            artifacts: self
                .params
                .iter()
                .map(|p| Artifact::maybe(&p.value))
                .collect(),
        }
    }

    fn attributes(&self) -> serde_json::Map<String, Json> {
        let mut a = serde_json::Map::new();
        a.insert("state_machine".into(), json!(self.state_machine));
        if let Some(source) = &self.source {
            a.insert("source".into(), json!(source));
        }
        a
    }
}
