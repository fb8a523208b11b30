//! Editor features on ASL documents: the states as document symbols (nested by scope), and
//! go-to-definition from `StartAt`, `Next` and `Default` to the state they name.

use crate::asl::json::{self, name_range};
use crate::diagnostics::Span;
use jsonc_parser::ast;

pub struct StateSymbol {
    pub name: String,
    pub ty: String,
    /// The whole `"Name": { ... }` member, and its key.
    pub span: Span,
    pub name_span: Span,
    pub children: Vec<StateSymbol>,
}

fn member<'a>(o: &'a ast::Object<'a>, key: &str) -> Option<&'a ast::ObjectProp<'a>> {
    o.properties.iter().find(|p| p.name.as_str() == key)
}

/// The states of a scope object (`{"StartAt": …, "States": {…}}`), with their nested scopes.
fn states(scope: &ast::Object) -> Vec<StateSymbol> {
    let Some(ast::Value::Object(list)) = member(scope, "States").map(|p| &p.value) else {
        return Vec::new();
    };
    list.properties
        .iter()
        .map(|p| {
            let mut ty = String::new();
            let mut children = Vec::new();
            if let ast::Value::Object(state) = &p.value {
                if let Some(ast::Value::StringLit(t)) = member(state, "Type").map(|m| &m.value) {
                    ty = t.value.to_string();
                }
                if let Some(ast::Value::Array(branches)) =
                    member(state, "Branches").map(|m| &m.value)
                {
                    for b in &branches.elements {
                        if let ast::Value::Object(o) = b {
                            children.extend(states(o));
                        }
                    }
                }
                for key in ["ItemProcessor", "Iterator"] {
                    if let Some(ast::Value::Object(o)) = member(state, key).map(|m| &m.value) {
                        children.extend(states(o));
                    }
                }
            }
            StateSymbol {
                name: p.name.as_str().to_string(),
                ty,
                span: Span::new(p.range.start, p.range.end),
                name_span: name_range(p),
                children,
            }
        })
        .collect()
}

pub fn symbols(text: &str) -> Vec<StateSymbol> {
    match json::parse(text) {
        Ok(Some(json::Doc {
            ast: ast::Value::Object(root),
            ..
        })) => states(&root),
        _ => Vec::new(),
    }
}

/// The state named by the `StartAt`/`Next`/`Default` string at `offset`: (the string's span,
/// the definition's key span).
pub fn definition(text: &str, offset: usize) -> Option<(Span, Span)> {
    let Ok(Some(doc)) = json::parse(text) else {
        return None;
    };
    let target = transition_at(&doc.ast, offset)?;
    let all = symbols(text);
    let def = find(&all, &target.0)?;
    Some((target.1, def))
}

fn find(symbols: &[StateSymbol], name: &str) -> Option<Span> {
    symbols.iter().find_map(|s| {
        if s.name == name {
            Some(s.name_span)
        } else {
            find(&s.children, name)
        }
    })
}

/// A transition string under the cursor: its text and span.
fn transition_at(v: &ast::Value, offset: usize) -> Option<(String, Span)> {
    let inside = |s: Span| (s.start as usize) <= offset && offset <= (s.end as usize);
    match v {
        ast::Value::Object(o) => o.properties.iter().find_map(|p| {
            if let ast::Value::StringLit(s) = &p.value {
                let span = Span::new(s.range.start, s.range.end);
                if inside(span) && matches!(p.name.as_str(), "StartAt" | "Next" | "Default") {
                    return Some((s.value.to_string(), span));
                }
            }
            if inside(json::range(&p.value)) {
                transition_at(&p.value, offset)
            } else {
                None
            }
        }),
        ast::Value::Array(a) => a.elements.iter().find_map(|e| {
            if inside(json::range(e)) {
                transition_at(e, offset)
            } else {
                None
            }
        }),
        _ => None,
    }
}
