//! The intrinsic functions (`States.Format(...)`, …) with AWS's rules: `\'`, `\{`, `\}` and
//! `\\` escapes in string literals, `{}` placeholders in `States.Format`, `States.JsonMerge`
//! shallow only, `States.StringSplit` splitting on each delimiter character. Failures are
//! `States.IntrinsicFailure`, which the caller raises.

use super::Rng;
use serde_json::{json, Map, Value};

#[derive(Clone, Debug, PartialEq)]
enum Arg {
    Str(String),
    Num(Value),
    Bool(bool),
    Null,
    Path(String),
    Call(String, Vec<Arg>),
}

/// Evaluate an intrinsic call; `path` resolves `$…` and `$$…` arguments.
pub fn eval(
    text: &str,
    path: &dyn Fn(&str) -> Option<Value>,
    rng: &mut Rng,
) -> Result<Value, String> {
    let (arg, rest) = parse_arg(text.trim())?;
    if !rest.trim().is_empty() {
        return Err(format!("unexpected text after the call: `{}`", rest.trim()));
    }
    value(&arg, path, rng)
}

fn parse_arg(s: &str) -> Result<(Arg, &str), String> {
    let s = s.trim_start();
    if let Some(body) = s.strip_prefix('\'') {
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, e)) => {
                        // `\{` and `\}` stay escaped for States.Format to tell from placeholders.
                        if e == '{' || e == '}' {
                            out.push('\\');
                        }
                        out.push(e);
                    }
                    None => return Err("unterminated string".into()),
                },
                '\'' => return Ok((Arg::Str(out), &body[i + 1..])),
                c => out.push(c),
            }
        }
        return Err("unterminated string".into());
    }
    if s.starts_with('$') {
        let end = s.find([',', ')']).unwrap_or(s.len());
        return Ok((Arg::Path(s[..end].trim().to_string()), &s[end..]));
    }
    if s.starts_with("States.") {
        let open = s.find('(').ok_or("expected `(`")?;
        let name = s[..open].trim().to_string();
        let mut rest = &s[open + 1..];
        let mut args = Vec::new();
        loop {
            let r = rest.trim_start();
            if let Some(after) = r.strip_prefix(')') {
                return Ok((Arg::Call(name, args), after));
            }
            if !args.is_empty() {
                rest = r.strip_prefix(',').ok_or("expected `,` or `)`")?;
            }
            let (a, after) = parse_arg(rest)?;
            args.push(a);
            rest = after;
        }
    }
    let end = s.find([',', ')']).unwrap_or(s.len());
    let word = s[..end].trim();
    let arg = match word {
        "true" => Arg::Bool(true),
        "false" => Arg::Bool(false),
        "null" => Arg::Null,
        n => Arg::Num(serde_json::from_str(n).map_err(|_| format!("not a value: `{n}`"))?),
    };
    Ok((arg, &s[end..]))
}

fn value(a: &Arg, path: &dyn Fn(&str) -> Option<Value>, rng: &mut Rng) -> Result<Value, String> {
    Ok(match a {
        Arg::Str(s) => Value::String(s.replace("\\{", "{").replace("\\}", "}")),
        Arg::Num(n) => n.clone(),
        Arg::Bool(b) => Value::Bool(*b),
        Arg::Null => Value::Null,
        Arg::Path(p) => path(p).ok_or_else(|| format!("the path {p} matches nothing"))?,
        Arg::Call(name, args) => {
            if name == "States.Format" {
                return format(args, path, rng);
            }
            let vals: Vec<Value> = args
                .iter()
                .map(|x| value(x, path, rng))
                .collect::<Result<_, _>>()?;
            call(name, &vals, rng)?
        }
    })
}

/// `States.Format('{} of {}', a, b)`: the template is a literal; `\{` `\}` are braces.
fn format(
    args: &[Arg],
    path: &dyn Fn(&str) -> Option<Value>,
    rng: &mut Rng,
) -> Result<Value, String> {
    let Some(Arg::Str(template)) = args.first() else {
        return Err("States.Format takes a string literal first".into());
    };
    let vals: Vec<Value> = args[1..]
        .iter()
        .map(|x| value(x, path, rng))
        .collect::<Result<_, _>>()?;
    let mut out = String::new();
    let mut next = vals.iter();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                let v = next.next().ok_or("more placeholders than arguments")?;
                out.push_str(&text(v));
            }
            c => out.push(c),
        }
    }
    if next.next().is_some() {
        return Err("more arguments than placeholders".into());
    }
    Ok(Value::String(out))
}

/// How a value is written into text: strings as they are, the rest as JSON.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn int(v: &Value, what: &str) -> Result<i64, String> {
    v.as_i64()
        .or_else(|| v.as_f64().filter(|x| x.fract() == 0.0).map(|x| x as i64))
        .ok_or_else(|| format!("{what} must be an integer"))
}

fn array<'v>(v: &'v Value, what: &str) -> Result<&'v Vec<Value>, String> {
    v.as_array()
        .ok_or_else(|| format!("{what} must be an array"))
}

fn string<'v>(v: &'v Value, what: &str) -> Result<&'v str, String> {
    v.as_str().ok_or_else(|| format!("{what} must be a string"))
}

fn call(name: &str, a: &[Value], rng: &mut Rng) -> Result<Value, String> {
    let arity = |n: usize| -> Result<(), String> {
        if a.len() == n {
            Ok(())
        } else {
            Err(format!("{name} takes {n} arguments, not {}", a.len()))
        }
    };
    Ok(match name {
        "States.StringToJson" => {
            arity(1)?;
            serde_json::from_str(string(&a[0], "the argument")?).map_err(|e| e.to_string())?
        }
        "States.JsonToString" => {
            arity(1)?;
            Value::String(a[0].to_string())
        }
        "States.Array" => Value::Array(a.to_vec()),
        "States.ArrayPartition" => {
            arity(2)?;
            let size = int(&a[1], "the chunk size")?;
            if size < 1 {
                return Err("the chunk size must be positive".into());
            }
            let items = array(&a[0], "the first argument")?;
            Value::Array(
                items
                    .chunks(size as usize)
                    .map(|c| Value::Array(c.to_vec()))
                    .collect(),
            )
        }
        "States.ArrayContains" => {
            arity(2)?;
            Value::Bool(array(&a[0], "the first argument")?.contains(&a[1]))
        }
        "States.ArrayRange" => {
            arity(3)?;
            let (start, end, step) = (
                int(&a[0], "start")?,
                int(&a[1], "end")?,
                int(&a[2], "step")?,
            );
            if step == 0 {
                return Err("the step must not be 0".into());
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0 && x <= end) || (step < 0 && x >= end) {
                out.push(json!(x));
                if out.len() > 1000 {
                    return Err("an array range holds at most 1000 items".into());
                }
                x += step;
            }
            Value::Array(out)
        }
        "States.ArrayGetItem" => {
            arity(2)?;
            let items = array(&a[0], "the first argument")?;
            let i = int(&a[1], "the index")?;
            usize::try_from(i)
                .ok()
                .and_then(|i| items.get(i))
                .cloned()
                .ok_or_else(|| format!("index {i} is out of bounds"))?
        }
        "States.ArrayLength" => {
            arity(1)?;
            json!(array(&a[0], "the argument")?.len())
        }
        "States.ArrayUnique" => {
            arity(1)?;
            let mut out: Vec<Value> = Vec::new();
            for v in array(&a[0], "the argument")? {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
            Value::Array(out)
        }
        "States.Base64Encode" => {
            arity(1)?;
            use base64::Engine;
            Value::String(
                base64::engine::general_purpose::STANDARD.encode(string(&a[0], "the argument")?),
            )
        }
        "States.Base64Decode" => {
            arity(1)?;
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(string(&a[0], "the argument")?)
                .map_err(|e| e.to_string())?;
            Value::String(String::from_utf8(bytes).map_err(|e| e.to_string())?)
        }
        "States.Hash" => {
            arity(2)?;
            let data = text(&a[0]);
            Value::String(hash(data.as_bytes(), string(&a[1], "the algorithm")?)?)
        }
        "States.JsonMerge" => {
            arity(3)?;
            if a[2] != Value::Bool(false) {
                return Err(
                    "States.JsonMerge merges shallowly only: its third argument is false".into(),
                );
            }
            let (Value::Object(x), Value::Object(y)) = (&a[0], &a[1]) else {
                return Err("States.JsonMerge merges two objects".into());
            };
            let mut out: Map<String, Value> = x.clone();
            for (k, v) in y {
                out.insert(k.clone(), v.clone());
            }
            Value::Object(out)
        }
        "States.MathRandom" => {
            if !(2..=3).contains(&a.len()) {
                return Err("States.MathRandom takes 2 or 3 arguments".into());
            }
            let (lo, hi) = (int(&a[0], "start")?, int(&a[1], "end")?);
            if hi <= lo {
                return Err("the end must be above the start".into());
            }
            let mut local;
            let r = match a.get(2) {
                Some(seed) => {
                    local = Rng::new(int(seed, "the seed")? as u64);
                    &mut local
                }
                None => rng,
            };
            json!(lo + (r.next_u64() % (hi - lo) as u64) as i64)
        }
        "States.MathAdd" => {
            arity(2)?;
            json!(int(&a[0], "the first argument")? + int(&a[1], "the second argument")?)
        }
        "States.StringSplit" => {
            arity(2)?;
            let s = string(&a[0], "the first argument")?;
            let delims: Vec<char> = string(&a[1], "the delimiters")?.chars().collect();
            Value::Array(
                s.split(|c| delims.contains(&c))
                    .filter(|p| !p.is_empty())
                    .map(|p| Value::String(p.to_string()))
                    .collect(),
            )
        }
        "States.UUID" => {
            arity(0)?;
            Value::String(rng.uuid())
        }
        other => return Err(format!("unknown intrinsic function {other}")),
    })
}

fn hash(data: &[u8], algorithm: &str) -> Result<String, String> {
    use sha2::Digest;
    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    Ok(match algorithm {
        "MD5" => hex(&md5::Md5::digest(data)),
        "SHA-1" => hex(&sha1::Sha1::digest(data)),
        "SHA-256" => hex(&sha2::Sha256::digest(data)),
        "SHA-384" => hex(&sha2::Sha384::digest(data)),
        "SHA-512" => hex(&sha2::Sha512::digest(data)),
        other => return Err(format!("unknown hash algorithm {other}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Result<Value, String> {
        let data = json!({"a": "x", "n": 2, "list": [1, 2, 2, 3], "obj": {"k": 1}});
        let resolve = |p: &str| super::super::jsonpath::select(p, &data);
        eval(text, &resolve, &mut Rng::new(7))
    }

    #[test]
    fn aws_examples() {
        assert_eq!(
            run("States.Format('Hello, {}! \\{literal\\}', $.a)").unwrap(),
            json!("Hello, x! {literal}")
        );
        assert_eq!(
            run("States.Format('it\\'s {}', $.n)").unwrap(),
            json!("it's 2")
        );
        assert_eq!(
            run("States.StringToJson('{\"a\": 1}')").unwrap(),
            json!({"a": 1})
        );
        assert_eq!(
            run("States.JsonToString($.obj)").unwrap(),
            json!("{\"k\":1}")
        );
        assert_eq!(
            run("States.ArrayPartition($.list, 3)").unwrap(),
            json!([[1, 2, 2], [3]])
        );
        assert_eq!(run("States.ArrayUnique($.list)").unwrap(), json!([1, 2, 3]));
        assert_eq!(
            run("States.ArrayRange(1, 9, 2)").unwrap(),
            json!([1, 3, 5, 7, 9])
        );
        assert_eq!(run("States.ArrayGetItem($.list, 3)").unwrap(), json!(3));
        assert_eq!(
            run("States.Hash('input data', 'MD5')").unwrap(),
            json!("812f45842bc6d66ee14572ce20db8e86")
        );
        assert_eq!(
            run("States.Base64Encode('Data to encode')").unwrap(),
            json!("RGF0YSB0byBlbmNvZGU=")
        );
        assert_eq!(
            run("States.StringSplit('This.is+a,test=string', '.+,=')").unwrap(),
            json!(["This", "is", "a", "test", "string"])
        );
        assert_eq!(
            run("States.JsonMerge($.obj, States.StringToJson('{\"b\": 2}'), false)").unwrap(),
            json!({"k": 1, "b": 2})
        );
        assert_eq!(run("States.MathAdd($.n, -3)").unwrap(), json!(-1));
        assert!(run("States.ArrayGetItem($.list, 9)").is_err());
        assert!(run("States.Format('{}')").is_err());
        assert!(run("States.Nope()").is_err());
    }

    #[test]
    fn seeded_values_repeat() {
        let a = run("States.UUID()").unwrap();
        assert_eq!(a, run("States.UUID()").unwrap());
        let r = run("States.MathRandom(1, 10, 42)").unwrap();
        assert!((1..10).contains(&r.as_i64().unwrap()));
    }
}
