//! The language server, started as a subprocess and spoken to over JSON-RPC as an editor would.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_aslc"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start aslc lsp");
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let (tx, incoming) = channel();
        std::thread::spawn(move || loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    length = v.parse().expect("length");
                }
            }
            let mut body = vec![0; length];
            if stdout.read_exact(&mut body).is_err() {
                return;
            }
            if tx
                .send(serde_json::from_slice(&body).expect("server sends JSON"))
                .is_err()
            {
                return;
            }
        });
        let mut c = Client {
            child,
            stdin,
            incoming,
            next_id: 1,
        };
        let init = c.request(
            "initialize",
            json!({ "capabilities": {}, "processId": null, "rootUri": null }),
        );
        assert_eq!(
            init["result"]["capabilities"]["textDocumentSync"], 2,
            "incremental sync"
        );
        c.notify("initialized", json!({}));
        c
    }

    fn send_raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send_raw(&json!({ "jsonrpc": "2.0", "method": method, "params": params }).to_string());
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send_raw(
            &json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string(),
        );
        self.wait(|m| m["id"] == id)
    }

    /// The next message that matches, skipping others (notifications in between).
    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self
                .incoming
                .recv_timeout(Duration::from_secs(20))
                .expect("the server answers");
            if pred(&m) {
                return m;
            }
        }
    }

    fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        let m = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) -> Vec<Value> {
        self.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }));
        self.diagnostics_for(uri)
    }
}

const URI: &str = "file:///work/pipeline.sfn";

/// The column of `needle` on its line, in UTF-16 code units (what LSP counts).
fn utf16_col(text: &str, needle: &str) -> (u64, u64) {
    let at = text.find(needle).expect("needle");
    let line_start = text[..at].rfind('\n').map(|n| n + 1).unwrap_or(0);
    (
        text[..at].matches('\n').count() as u64,
        text[line_start..at].encode_utf16().count() as u64,
    )
}

/// The labels of the completion items offered at a position of the document `URI`.
fn completion_labels(c: &mut Client, line: u64, character: u64) -> Vec<String> {
    let completion = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": character } }),
    );
    completion["result"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["label"].as_str().map(str::to_string))
        .collect()
}

fn source() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/nightly_fraud_retrain.sfn"
    ))
    .expect("fixture")
}

#[test]
fn diagnostics_use_utf16_positions_and_follow_incremental_edits() {
    let mut c = Client::start();
    let text = "pipeline \"p\" {\n  param DataDate: string\n  lambda Notify { function \"🚀✓ déploiement\" payload { D = DataDat } }\n}\n";
    let diags = c.open(URI, "sfn", text);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["code"], "E012");
    assert_eq!(d["source"], "aslc");
    let (line, col) = utf16_col(text, "DataDat }");
    assert_eq!(
        (
            d["range"]["start"]["line"].as_u64(),
            d["range"]["start"]["character"].as_u64()
        ),
        (Some(line), Some(col))
    );
    assert_eq!(d["range"]["end"]["character"].as_u64(), Some(col + 7));

    // The quick fix from "did you mean".
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": URI },
            "range": d["range"],
            "context": { "diagnostics": [d] },
        }),
    );
    let edit = &actions["result"][0]["edit"]["changes"][URI][0];
    assert_eq!(edit["newText"], "DataDate");
    assert_eq!(edit["range"], d["range"]);

    // Apply it as an incremental change: the error goes away.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 2 },
            "contentChanges": [{ "range": d["range"], "text": "DataDate" }],
        }),
    );
    assert!(c.diagnostics_for(URI).is_empty());
}

#[test]
fn hover_definition_completion_and_symbols() {
    let mut c = Client::start();
    let text = source();
    let diags = c.open(URI, "sfn", &text);
    assert!(
        diags.iter().all(|d| d["severity"] == 2),
        "only warnings: {diags:?}"
    );

    let (line, col) = utf16_col(&text, "AucThreshold {");
    let hover = c.request("textDocument/hover", json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": col + 2 } }));
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(value.contains("param AucThreshold: float"), "{hover}");

    // A step's hover says what the compiler makes of it, from the lowering plan.
    let (line, col) = utf16_col(&text, "TrainXGB {");
    let hover = c.request("textDocument/hover", json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": col + 2 } }));
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        value.contains("training step, run by the state `TrainXGB`"),
        "{hover}"
    );
    assert!(value.contains("`TrainXGB.Lineage`"), "{hover}");
    assert!(
        value.contains("jobs are named `trainxgb-<uuid>`"),
        "{hover}"
    );

    let (line, col) = utf16_col(&text, "Featurise.train");
    let def = c.request("textDocument/definition", json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": col + 12 } }));
    let (dl, dc) = utf16_col(&text, "train   =");
    assert_eq!(
        def["result"]["range"]["start"],
        json!({ "line": dl, "character": dc }),
        "{def}"
    );

    let (line, col) = utf16_col(&text, "Featurise.holdout");
    let labels = completion_labels(&mut c, line, col + 10);
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    assert!(
        labels.contains(&"train") && labels.contains(&"holdout"),
        "{labels:?}"
    );
    assert!(!labels.contains(&"AucThreshold"));

    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .expect("symbols")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(
        names.contains(&"Featurise") && names.contains(&"GateOnAuc") && names.contains(&"DataDate"),
        "{names:?}"
    );
    let gate = symbols["result"]
        .as_array()
        .expect("symbols")
        .iter()
        .find(|s| s["name"] == "GateOnAuc")
        .expect("gate");
    assert_eq!(gate["children"][0]["name"], "RegisterIfGoodEnough");
}

#[test]
fn names_resolve_as_the_checker_resolves_them_and_completion_survives_a_syntax_error() {
    let mut c = Client::start();
    let text = source();
    c.open(URI, "sfn", &text);
    // The schedule's key and a step's retry policy are names the checker resolves.
    let (line, col) = utf16_col(&text, "DataDate = yesterday()");
    let hover = c.request("textDocument/hover", json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": col + 1 } }));
    assert!(
        hover["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("param DataDate: string"),
        "{hover}"
    );
    let (line, col) = utf16_col(&text, "retry transient, api");
    let def = c.request("textDocument/definition", json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": col + 8 } }));
    let (dl, dc) = utf16_col(&text, "transient {");
    assert_eq!(
        def["result"]["range"]["start"],
        json!({ "line": dl, "character": dc })
    );
    // Mid-edit: a new line that does not parse yet. Completion still offers every step,
    // including those the broken parse lost.
    let broken = text.replace(
        "  when GateOnAuc:",
        "  lambda Half { function \"f\" payload { X = Tr\n  when GateOnAuc:",
    );
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": URI, "version": 2 }, "contentChanges": [{ "text": broken }] }));
    let diags = c.diagnostics_for(URI);
    assert!(diags.iter().any(|d| d["severity"] == 1), "a syntax error");
    let (line, col) = utf16_col(&broken, "X = Tr");
    let labels = completion_labels(&mut c, line, col + 6);
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    for step in ["TrainXGB", "Featurise", "RegisterIfGoodEnough"] {
        assert!(labels.contains(&step), "{step} in {labels:?}");
    }
}

#[test]
fn asl_documents_have_state_symbols_and_transition_definitions() {
    let mut c = Client::start();
    let uri = "file:///work/flow.asl.json";
    let text = "{\n  \"StartAt\": \"Fork\",\n  \"States\": {\n    \"Fork\": { \"Type\": \"Parallel\", \"Next\": \"Done\",\n      \"Branches\": [ { \"StartAt\": \"Inner\", \"States\": { \"Inner\": { \"Type\": \"Succeed\" } } } ] },\n    \"Done\": { \"Type\": \"Succeed\" }\n  }\n}\n";
    assert!(c.open(uri, "json", text).is_empty());
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let top = symbols["result"].as_array().expect("symbols");
    assert_eq!(
        top.iter()
            .map(|s| s["name"].as_str().unwrap_or_default())
            .collect::<Vec<_>>(),
        ["Fork", "Done"]
    );
    assert_eq!(top[0]["detail"], "Parallel");
    assert_eq!(top[0]["children"][0]["name"], "Inner");
    let (line, col) = utf16_col(text, "\"Done\": {");
    let (nl, nc) = utf16_col(text, "Done\",\n");
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": { "line": nl, "character": nc + 1 } }),
    );
    assert_eq!(
        def["result"]["range"]["start"],
        json!({ "line": line, "character": col }),
        "{def}"
    );
}

#[test]
fn asl_documents_get_validator_diagnostics() {
    let mut c = Client::start();
    let uri = "file:///work/machine.asl.json";
    let diags = c.open(uri, "json", "{\n  \"StartAt\": \"A\",\n  \"States\": { \"A\": { \"Type\": \"Pass\", \"Next\": \"Missing\" } }\n}\n");
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "E111" && d["range"]["start"]["line"] == 2),
        "{diags:?}"
    );
}

#[test]
fn misbehaving_clients_get_errors_and_the_server_keeps_running() {
    let mut c = Client::start();
    // Not JSON at all.
    c.send_raw("{ this is not json");
    let e = c.wait(|m| m.get("error").is_some() && m["id"].is_null());
    assert_eq!(e["error"]["code"], -32700);
    // An unknown request.
    let r = c.request("aslc/unknown", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    // A request with params of the wrong shape.
    let r = c.request("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(r["error"]["code"], -32602);
    // A change for a document that was never opened: logged, not fatal.
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": "file:///nowhere.sfn", "version": 2 }, "contentChanges": [{ "text": "x" }] }));
    let log = c.wait(|m| m["method"] == "window/logMessage");
    assert!(log["params"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("not open"));
    // A huge document is checked like any other.
    let mut big = String::from("pipeline \"big\" {\n");
    for i in 0..20_000 {
        big.push_str(&format!("  lambda L{i} {{ function \"f\" }}\n"));
    }
    big.push_str("}\n");
    assert!(c.open("file:///big.sfn", "sfn", &big).is_empty());
    // Still answering.
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 0, "character": 0 } }),
    );
    assert!(r["result"].is_null());
    // 200,000 nested brackets: one E005, and the server keeps answering.
    let deep = format!(
        "pipeline \"p\" {{\n  param X: string = {}\"a\"{}\n}}\n",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    let diags = c.open("file:///deep.sfn", "sfn", &deep);
    assert!(diags.iter().any(|d| d["code"] == "E005"), "{diags:?}");
    // Orderly shutdown; after it, requests are errors (InvalidRequest) and only exit counts.
    let r = c.request("shutdown", Value::Null);
    assert!(r["result"].is_null() && r.get("error").is_none());
    let r = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(r["error"]["code"], -32600, "{r}");
    c.notify("exit", Value::Null);
    let status = c.child.wait().expect("exit");
    assert!(status.success());
}

#[test]
fn documents_are_formatted_as_aslc_fmt_formats_them() {
    let mut c = Client::start();
    let text = "pipeline \"p\" {\n  param   A:string = \"x\"\n  lambda L { function \"f\" }\n}\n";
    c.open(URI, "sfn", text);
    let edits = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let edits = edits["result"].as_array().expect("edits").clone();
    assert_eq!(edits.len(), 1, "{edits:?}");
    assert_eq!(
        edits[0]["newText"],
        aslc::fmt::format(text).expect("formats")
    );
    assert_eq!(
        edits[0]["range"]["start"],
        json!({ "line": 0, "character": 0 })
    );
    assert_eq!(
        edits[0]["range"]["end"],
        json!({ "line": 4, "character": 0 })
    );
    // Formatted already: no edit.
    let formatted = aslc::fmt::format(text).expect("formats");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": URI, "version": 2 }, "contentChanges": [{ "text": formatted }] }),
    );
    let edits = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(edits["result"], json!([]));
}

#[test]
fn a_foreach_item_has_a_hover() {
    let mut c = Client::start();
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/foreach/regions.sfn"),
    )
    .expect("fixture");
    c.open(URI, "sfn", &text);
    let (line, col) = utf16_col(&text, "Region = Region");
    let hover = c.request("textDocument/hover", json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": col + 10 } }));
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(value.contains("the item of `PerRegion`"), "{hover}");
}
