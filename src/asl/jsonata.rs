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
            let pos = position(&e).unwrap_or(0);
            let byte = inner
                .char_indices()
                .nth(pos)
                .map(|(b, _)| b)
                .unwrap_or(inner.len());
            // The Display text repeats the code and position ("S0201 @ 5: ..."); keep the words.
            let text = e.to_string();
            let msg = text.split_once(": ").map_or(text.as_str(), |(_, m)| m);
            Err((
                format!("invalid JSONata expression ({}): {msg}", e.code()),
                2 + byte,
            ))
        }
    }
}

/// The character offset a parse error names (every compile-time error carries one).
fn position(e: &jsonata_rs::Error) -> Option<usize> {
    use jsonata_rs::Error::*;
    Some(match e {
        S0101UnterminatedStringLiteral(p)
        | S0102LexedNumberOutOfRange(p, _)
        | S0103UnsupportedEscape(p, _)
        | S0104InvalidUnicodeEscape(p)
        | S0105UnterminatedQuoteProp(p)
        | S0106UnterminatedComment(p)
        | S0201SyntaxError(p, _)
        | S0202UnexpectedToken(p, _, _)
        | S0203ExpectedTokenBeforeEnd(p, _)
        | S0204UnknownOperator(p, _)
        | S0208InvalidFunctionParam(p, _)
        | S0209InvalidPredicate(p)
        | S0210MultipleGroupBy(p)
        | S0211InvalidUnary(p, _)
        | S0212ExpectedVarLeft(p)
        | S0213InvalidStep(p, _)
        | S0214ExpectedVarRight(p, _)
        | S0215BindingAfterPredicates(p)
        | S0216BindingAfterSort(p)
        | S0301EmptyRegex(p)
        | S0302UnterminatedRegex(p)
        | S0303InvalidRegex(p, _) => *p,
        _ => return None,
    })
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
        let (msg, at) = super::check("{% $a + (1 2) %}").expect_err("bad");
        assert!(msg.contains("S0"), "{msg}");
        assert!((3..16).contains(&at), "{at}: {msg}");
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
