//! `callback`: an SQS message with a task token; the step waits until someone calls
//! `SendTaskSuccess` (`sqs:sendMessage.waitForTaskToken`).

use super::*;
use crate::check::Callback;

impl Kind for Callback {
    fn request(&self, _step: &str, _cx: &Cx) -> Request {
        let mut r = Request::new(
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            Integration::Sqs,
        );
        put(&mut r.parameters, "QueueUrl", &self.queue);
        r.parameters.insert(
            "MessageBody".into(),
            with(|m| {
                self.message.iter().for_each(|n| put(m, &n.name, &n.value));
                m.insert("TaskToken.$".into(), json!("$$.Task.Token"));
                m.insert("ExecutionId.$".into(), json!("$$.Execution.Id"));
            }),
        );
        r.outputs = vec![("output".into(), "$".into())];
        r.outputs.extend(
            self.fields
                .iter()
                .map(|(n, _)| (n.clone(), format!("$.{n}"))),
        );
        r.timeout = Some(self.timeout);
        r.heartbeat = self.heartbeat;
        r
    }

    fn grants(&self, _step: &str, cx: &Cx) -> Vec<Grant> {
        // https://sqs.<region>.amazonaws.com/<account>/<name> → arn:aws:sqs:<region>:<account>:<name>
        let q = pattern(&self.queue);
        let parts: Vec<&str> = q.trim_start_matches("https://").split('/').collect();
        let arn = match parts.as_slice() {
            [host, account, name] => {
                let region = host.split('.').nth(1).unwrap_or("*");
                format!("arn:aws:sqs:{region}:{account}:{name}")
            }
            _ => format!("arn:aws:sqs:*:{}:*", cx.account),
        };
        vec![Grant::new(
            "SendCallbackMessages",
            &["sqs:SendMessage"],
            vec![arn],
        )]
    }

    fn values(&self) -> Vec<&Val> {
        let mut v = vec![&self.queue];
        v.extend(self.message.iter().map(|n| &n.value));
        v
    }

    fn lineage(&self, _step: &str) -> Lineage {
        Lineage {
            action: "Callback",
            source: self.queue.clone(),
            artifacts: self
                .message
                .iter()
                .map(|p| Artifact::maybe(&p.value))
                .collect(),
        }
    }
}
