//! The state-data layout, decided here and nowhere else: `$.params` holds the parameters merged
//! with their defaults, `$.steps.<Step>` what each step's ResultSelector kept, and a property
//! file read for a condition is parsed under `$.steps.<Step>.<file>.json`.

use crate::check::{render_keys, Ref};

/// The key under which a property file's parsed content is kept, next to the step's outputs.
pub const FILE_CONTENT: &str = "json";

pub fn param(name: &str) -> String {
    format!("$.params.{name}")
}

/// Where a step's kept result lives.
pub fn results(step: &str) -> String {
    format!("$.steps.{step}")
}

pub fn output(step: &str, output: &str) -> String {
    format!("$.steps.{step}.{output}")
}

/// The JSONPath of a typed reference.
pub fn of(r: &Ref) -> String {
    match r {
        Ref::Param(p) => param(p),
        Ref::Output { step, output: o } => output(step, o),
        Ref::File { step, file, keys } => {
            format!("{}.{FILE_CONTENT}{}", output(step, file), render_keys(keys))
        }
        Ref::Json {
            step,
            output: o,
            keys,
        } => format!("{}{}", output(step, o), render_keys(keys)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Key;

    #[test]
    fn references_become_paths_with_bracketed_odd_keys() {
        let r = Ref::File {
            step: "Evaluate".into(),
            file: "metrics".into(),
            keys: vec![
                Key::Field("classification_metrics".into()),
                Key::Field("auc-roc".into()),
                Key::Index(0),
            ],
        };
        assert_eq!(
            of(&r),
            "$.steps.Evaluate.metrics.json.classification_metrics['auc-roc'][0]"
        );
        assert_eq!(of(&Ref::Param("D".into())), "$.params.D");
    }
}
