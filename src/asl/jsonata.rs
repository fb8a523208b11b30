//! JSONata expressions in `{% … %}` strings, parsed with the jsonata-rs parser: AWS rejects a
//! definition whose expressions do not parse (R10.4).

/// Check a `{% … %}` string. On error: the message and the byte offset inside `s`.
pub fn check(s: &str) -> Result<(), (String, usize)> {
    let Some(inner) = s.strip_prefix("{%").and_then(|r| r.strip_suffix("%}")) else {
        return Err((
            "a JSONata expression is written `{% ... %}` and must end with `%}`".into(),
            s.len(),
        ));
    };
    if inner.trim().is_empty() {
        return Err(("empty JSONata expression".into(), 2));
    }
    let arena = bumpalo::Bump::new();
    match jsonata_rs::JsonAta::new(inner, &arena) {
        Ok(_) => Ok(()),
        Err(e) => {
            // Messages read "S0201 @ 5: Syntax error"; the number is a character offset.
            let text = e.to_string();
            let (pos, msg) = match text.split_once(" @ ").and_then(|(_, r)| r.split_once(": ")) {
                Some((p, m)) => (p.trim().parse::<usize>().unwrap_or(0), m.to_string()),
                None => (0, text.clone()),
            };
            let byte = inner
                .char_indices()
                .nth(pos)
                .map(|(b, _)| b)
                .unwrap_or(inner.len());
            Err((format!("invalid JSONata expression: {msg}"), 2 + byte))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_aws_style_expressions() {
        for ok in [
            "{% $states.input.order.total > 100 %}",
            "{% $states.result.Payload %}",
            "{% $partition($states.input.items, 10) %}",
            "{% 'trn-' & $uuid() %}",
            "{% $states.context.Execution.Id %}",
        ] {
            assert!(super::check(ok).is_ok(), "{ok}: {:?}", super::check(ok));
        }
        for bad in [
            "{% $states.input. %}",
            "{% (1 + %}",
            "{% 'open %}",
            "{% 1 2 %}",
            "{%  %}",
            "{% $x",
        ] {
            assert!(super::check(bad).is_err(), "{bad}");
        }
    }
}
