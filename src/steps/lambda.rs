//! `lambda`: a synchronous Lambda invocation (`lambda:invoke`).

use super::*;
use crate::check::Lambda;

impl Kind for Lambda {
    fn request(&self, _step: &str, _cx: &Cx) -> Request {
        let mut r = Request::new("arn:aws:states:::lambda:invoke", Integration::Lambda);
        put(&mut r.parameters, "FunctionName", &self.function);
        r.parameters.insert(
            "Payload".into(),
            with(|m| self.payload.iter().for_each(|n| put(m, &n.name, &n.value))),
        );
        r.outputs = vec![("payload".into(), "$.Payload".into())];
        r.outputs.extend(
            self.fields
                .iter()
                .map(|(n, _)| (n.clone(), format!("$.Payload.{n}"))),
        );
        r.timeout = Some(self.timeout);
        r
    }

    fn grants(&self, _step: &str, cx: &Cx) -> Vec<Grant> {
        let f = pattern(&self.function);
        let arn = if f.starts_with("arn:") {
            f
        } else {
            format!("arn:aws:lambda:*:{}:function:{f}", cx.account)
        };
        vec![Grant::new(
            "InvokeFunctions",
            &["lambda:InvokeFunction"],
            vec![arn.clone(), format!("{arn}:*")],
        )]
    }

    fn values(&self) -> Vec<&Val> {
        let mut v = vec![&self.function];
        v.extend(self.payload.iter().map(|n| &n.value));
        v
    }

    fn lineage(&self, step: &str) -> Lineage {
        Lineage {
            action: "LambdaInvocation",
            source: self.function.clone(),
            artifacts: self
                .payload
                .iter()
                .map(|p| Artifact::maybe(&p.value))
                .chain(s3_fields(step, &self.fields))
                .collect(),
        }
    }

    fn attributes(&self) -> serde_json::Map<String, Json> {
        let mut a = serde_json::Map::new();
        a.insert("function".into(), text(&self.function));
        a
    }
}

/// Result fields declared `s3`: locations the step produced, for lineage.
pub(super) fn s3_fields<'a>(
    step: &'a str,
    fields: &'a [(String, crate::check::Ty)],
) -> impl Iterator<Item = Artifact> + 'a {
    fields
        .iter()
        .filter(|(_, t)| *t == crate::check::Ty::S3Uri)
        .map(move |(n, _)| {
            Artifact::output(step, n, ArtifactKind::DataSet, format!("{{{step}.{n}}}"))
        })
}
