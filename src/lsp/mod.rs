//! `aslc lsp`: a language server over stdio for `.sfn` pipeline sources and ASL documents.
//!
//! Messages are the lsp-server crate's types; the framing loop is ours, because a malformed
//! payload must be answered with a JSON-RPC parse error while the server keeps running
//! (lsp-server's own stdio reader ends the connection on one).

mod asl;
mod convert;
mod index;
mod server;

use lsp_server::Message;
use std::io::{self, BufRead, Read, Write};

/// Serve on stdin/stdout until the client says `exit` or closes the stream.
pub fn run() -> io::Result<()> {
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    serve(&mut input, &mut out)
}

/// The server loop over any transport; the tests drive it through the binary.
pub fn serve(input: &mut impl BufRead, out: &mut impl Write) -> io::Result<()> {
    let mut server = server::Server::default();
    loop {
        let text = match read_frame(input)? {
            Frame::Eof => return Ok(()),
            Frame::Malformed(why) => {
                parse_error(out, &why)?;
                continue;
            }
            Frame::Text(t) => t,
        };
        match serde_json::from_str::<Message>(&text) {
            Ok(msg) => {
                for reply in server.handle(msg) {
                    write_message(out, &reply)?;
                }
                if server.exited() {
                    return Ok(());
                }
            }
            Err(e) => parse_error(out, &format!("malformed JSON-RPC message: {e}"))?,
        }
    }
}

enum Frame {
    Eof,
    Malformed(String),
    Text(String),
}

/// Read one `Content-Length`-framed message.
fn read_frame(input: &mut impl BufRead) -> io::Result<Frame> {
    let mut length: Option<usize> = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        // Header lines are short; bytes that are not UTF-8, or a line without end, make a
        // malformed header, never an I/O error that would end the session.
        if input.by_ref().take(64 << 10).read_until(b'\n', &mut line)? == 0 {
            return Ok(Frame::Eof);
        }
        let text = String::from_utf8_lossy(&line);
        let header = text.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("Content-Length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let Some(length) = length else {
        return Ok(Frame::Malformed(
            "missing or invalid Content-Length header".into(),
        ));
    };
    // A client cannot make the server allocate without bound.
    if length > 256 << 20 {
        return Ok(Frame::Malformed(format!(
            "message of {length} bytes is larger than 256 MiB"
        )));
    }
    let mut buf = vec![0; length];
    match input.read_exact(&mut buf) {
        // The client went away in the middle of a message: the session is over.
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(Frame::Eof),
        r => r?,
    }
    Ok(match String::from_utf8(buf) {
        Ok(t) => Frame::Text(t),
        Err(_) => Frame::Malformed("message is not UTF-8".into()),
    })
}

fn write_message(out: &mut impl Write, msg: &Message) -> io::Result<()> {
    let mut value = serde_json::to_value(msg)?;
    value["jsonrpc"] = "2.0".into();
    write_raw(out, &value)
}

fn write_raw(out: &mut impl Write, value: &serde_json::Value) -> io::Result<()> {
    let text = serde_json::to_string(value)?;
    write!(out, "Content-Length: {}\r\n\r\n{text}", text.len())?;
    out.flush()
}

/// JSON-RPC 2.0: a message that cannot be parsed gets a Parse error with a null id.
fn parse_error(out: &mut impl Write, why: &str) -> io::Result<()> {
    let value = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": -32700, "message": why },
    });
    write_raw(out, &value)
}
