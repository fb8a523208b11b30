//! Conditions → JSONPath Choice rules with typed operators.

use super::paths;
use crate::check::{CmpTy, Cond, Operand};
use crate::syntax::ast::BinOp;
use serde_json::{json, Map, Value as Json};

/// A Choice rule for a condition (without `Next`).
pub fn rule(c: &Cond) -> Json {
    match c {
        Cond::And(items) => json!({"And": items.iter().map(rule).collect::<Vec<_>>()}),
        Cond::Or(items) => json!({"Or": items.iter().map(rule).collect::<Vec<_>>()}),
        Cond::Not(inner) => json!({"Not": rule(inner)}),
        Cond::Exists(r) => json!({"Variable": paths::of(r), "IsPresent": true}),
        Cond::Matches(r, pattern) => json!({"Variable": paths::of(r), "StringMatches": pattern}),
        Cond::Compare {
            op,
            ty,
            lhs,
            rhs,
            guards,
        } => {
            let cmp = compare(*op, *ty, lhs, rhs);
            if guards.is_empty() {
                return cmp;
            }
            // A value read from JSON may be missing or of another type: test that first, so
            // the comparison is false instead of a run-time error.
            let mut all = Vec::new();
            for (r, ty) in guards {
                let path = paths::of(r);
                let test = match ty {
                    CmpTy::Numeric => "IsNumeric",
                    CmpTy::String => "IsString",
                    CmpTy::Boolean => "IsBoolean",
                };
                all.push(json!({"Variable": path, "IsPresent": true}));
                all.push(json!({"Variable": path, test: true}));
            }
            all.push(cmp);
            json!({"And": all})
        }
    }
}

fn compare(op: BinOp, ty: CmpTy, lhs: &Operand, rhs: &Operand) -> Json {
    // The Variable must be a path: put a literal on the right, mirroring the operator.
    let (op, lhs, rhs) = match (lhs, rhs) {
        (Operand::Lit(_), Operand::Ref(_)) => (mirror(op), rhs, lhs),
        _ => (op, lhs, rhs),
    };
    let Operand::Ref(var) = lhs else {
        return json!({});
    };
    if op == BinOp::Ne {
        return json!({"Not": compare(BinOp::Eq, ty, lhs, rhs)});
    }
    let family = match ty {
        CmpTy::Numeric => "Numeric",
        CmpTy::String => "String",
        CmpTy::Boolean => "Boolean",
    };
    let relation = match op {
        BinOp::Eq | BinOp::Ne => "Equals",
        BinOp::Lt => "LessThan",
        BinOp::Le => "LessThanEquals",
        BinOp::Gt => "GreaterThan",
        BinOp::Ge => "GreaterThanEquals",
        BinOp::And | BinOp::Or => "Equals",
    };
    let mut m = Map::new();
    m.insert("Variable".into(), Json::String(paths::of(var)));
    match rhs {
        Operand::Ref(r) => m.insert(
            format!("{family}{relation}Path"),
            Json::String(paths::of(r)),
        ),
        Operand::Lit(v) => m.insert(format!("{family}{relation}"), v.clone()),
    };
    Json::Object(m)
}

fn mirror(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Ref;

    #[test]
    fn literal_on_the_left_is_mirrored() {
        let c = Cond::Compare {
            op: BinOp::Lt,
            ty: CmpTy::Numeric,
            lhs: Operand::Lit(json!(0.5)),
            rhs: Operand::Ref(Ref::Param("X".into())),
            guards: vec![],
        };
        assert_eq!(
            rule(&c),
            json!({"Variable": "$.params.X", "NumericGreaterThan": 0.5})
        );
    }

    #[test]
    fn not_equal_is_a_negated_equality() {
        let c = Cond::Compare {
            op: BinOp::Ne,
            ty: CmpTy::String,
            lhs: Operand::Ref(Ref::Param("a".into())),
            rhs: Operand::Ref(Ref::Param("b".into())),
            guards: vec![],
        };
        assert_eq!(
            rule(&c),
            json!({"Not": {"Variable": "$.params.a", "StringEqualsPath": "$.params.b"}})
        );
    }
}
