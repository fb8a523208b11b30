//! The language server's state and request handlers. Every answer is computed by the same
//! library calls the CLI makes, so editor and CI agree.

use super::convert::{diagnostic, offset, range};
use super::index::{DefKind, Index, Outline};
use crate::diagnostics::{Diagnostic, LineIndex, Span};
use crate::{asl, driver, syntax};
use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::*;
use serde_json::Value;
use std::collections::HashMap;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pipeline,
    Asl,
}

struct Document {
    text: String,
    kind: Kind,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Default)]
pub struct Server {
    docs: HashMap<Uri, Document>,
    shutdown: bool,
    exit: bool,
}

type Replies = Vec<Message>;

impl Server {
    pub fn exited(&self) -> bool {
        self.exit
    }

    pub fn handle(&mut self, msg: Message) -> Replies {
        match msg {
            Message::Request(r) => vec![Message::Response(self.request(r))],
            Message::Notification(n) => self.notification(n),
            Message::Response(_) => Vec::new(),
        }
    }

    fn request(&mut self, r: Request) -> Response {
        let id = r.id.clone();
        let result = match r.method.as_str() {
            request::Initialize::METHOD => {
                Ok(serde_json::to_value(capabilities()).unwrap_or_default())
            }
            request::Shutdown::METHOD => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            request::HoverRequest::METHOD => self.with::<HoverParams>(r, |s, p| s.hover(p)),
            request::GotoDefinition::METHOD => {
                self.with::<GotoDefinitionParams>(r, |s, p| s.definition(p))
            }
            request::Completion::METHOD => self.with::<CompletionParams>(r, |s, p| s.completion(p)),
            request::DocumentSymbolRequest::METHOD => {
                self.with::<DocumentSymbolParams>(r, |s, p| s.symbols(p))
            }
            request::CodeActionRequest::METHOD => {
                self.with::<CodeActionParams>(r, |s, p| s.code_actions(p))
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("method `{other}` is not supported"),
            )),
        };
        match result {
            Ok(v) => Response::new_ok(id, v),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    /// Decode the params, run the handler, encode its answer; bad params are InvalidParams.
    fn with<P: serde::de::DeserializeOwned>(
        &mut self,
        r: Request,
        f: impl FnOnce(&mut Self, P) -> Option<Value>,
    ) -> Result<Value, (ErrorCode, String)> {
        let params: P = serde_json::from_value(r.params).map_err(|e| {
            (
                ErrorCode::InvalidParams,
                format!("invalid params for `{}`: {e}", r.method),
            )
        })?;
        Ok(f(self, params).unwrap_or(Value::Null))
    }

    fn notification(&mut self, n: Notification) -> Replies {
        match n.method.as_str() {
            notification::Exit::METHOD => {
                self.exit = true;
                Vec::new()
            }
            notification::DidOpenTextDocument::METHOD => {
                let Some(p): Option<DidOpenTextDocumentParams> = params(n) else {
                    return Vec::new();
                };
                let uri = p.text_document.uri;
                let kind = if uri.path().as_str().ends_with(".sfn")
                    || p.text_document.language_id == "sfn"
                {
                    Kind::Pipeline
                } else {
                    Kind::Asl
                };
                self.docs.insert(
                    uri.clone(),
                    Document {
                        text: p.text_document.text,
                        kind,
                        diagnostics: Vec::new(),
                    },
                );
                self.publish(&uri)
            }
            notification::DidChangeTextDocument::METHOD => {
                let Some(p): Option<DidChangeTextDocumentParams> = params(n) else {
                    return Vec::new();
                };
                let uri = p.text_document.uri;
                let Some(doc) = self.docs.get_mut(&uri) else {
                    return vec![log(
                        MessageType::WARNING,
                        format!("change for a document that is not open: {}", uri.as_str()),
                    )];
                };
                for change in p.content_changes {
                    apply(&mut doc.text, change);
                }
                self.publish(&uri)
            }
            notification::DidCloseTextDocument::METHOD => {
                let Some(p): Option<DidCloseTextDocumentParams> = params(n) else {
                    return Vec::new();
                };
                self.docs.remove(&p.text_document.uri);
                vec![publish(p.text_document.uri, Vec::new())]
            }
            _ => Vec::new(),
        }
    }

    /// Re-check a document and publish its diagnostics.
    fn publish(&mut self, uri: &Uri) -> Replies {
        let Some(doc) = self.docs.get_mut(uri) else {
            return Vec::new();
        };
        doc.diagnostics = match doc.kind {
            Kind::Pipeline => driver::check_source(&doc.text).1,
            Kind::Asl => asl::validate(&doc.text, &asl::Options::default()),
        };
        let index = LineIndex::new(&doc.text);
        let diags = doc
            .diagnostics
            .iter()
            .map(|d| diagnostic(&index, uri, d))
            .collect();
        vec![publish(uri.clone(), diags)]
    }

    /// The pipeline document at a position, its index and the byte offset.
    fn pipeline_at(&self, doc: &TextDocumentPositionParams) -> Option<(&Document, Index, usize)> {
        let d = self
            .docs
            .get(&doc.text_document.uri)
            .filter(|d| d.kind == Kind::Pipeline)?;
        let (ast, _) = syntax::parse(&d.text);
        let off = offset(&LineIndex::new(&d.text), doc.position);
        Some((d, Index::build(&ast), off))
    }

    fn hover(&mut self, p: HoverParams) -> Option<Value> {
        let (doc, index, off) = self.pipeline_at(&p.text_document_position_params)?;
        let (span, def) = index.at(off)?;
        let hover = Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: def.detail.clone(),
            }),
            range: Some(range(&LineIndex::new(&doc.text), span)),
        };
        serde_json::to_value(hover).ok()
    }

    fn definition(&mut self, p: GotoDefinitionParams) -> Option<Value> {
        let pos = &p.text_document_position_params;
        if let Some(d) = self
            .docs
            .get(&pos.text_document.uri)
            .filter(|d| d.kind == Kind::Asl)
        {
            let lines = LineIndex::new(&d.text);
            let (_, def) = super::asl::definition(&d.text, offset(&lines, pos.position))?;
            let loc = Location {
                uri: pos.text_document.uri.clone(),
                range: range(&lines, def),
            };
            return serde_json::to_value(GotoDefinitionResponse::Scalar(loc)).ok();
        }
        let (doc, index, off) = self.pipeline_at(pos)?;
        let (_, def) = index.at(off)?;
        let loc = Location {
            uri: pos.text_document.uri.clone(),
            range: range(&LineIndex::new(&doc.text), def.span),
        };
        serde_json::to_value(GotoDefinitionResponse::Scalar(loc)).ok()
    }

    /// After `Step.`: that step's outputs; elsewhere: parameters and steps.
    fn completion(&mut self, p: CompletionParams) -> Option<Value> {
        let (doc, index, off) = self.pipeline_at(&p.text_document_position)?;
        let before = &doc.text[..off.min(doc.text.len())];
        let rest = &before[..before.len() - trailing_word(before).len()];
        let items: Vec<CompletionItem> = if let Some(step) =
            rest.strip_suffix('.').map(trailing_word)
        {
            let prefix = format!("{step}.");
            index
                .defs
                .iter()
                .filter(|d| d.kind == DefKind::Output && d.name.starts_with(&prefix))
                .map(|d| {
                    item(
                        &d.name[prefix.len()..],
                        CompletionItemKind::FIELD,
                        &d.detail,
                    )
                })
                .collect()
        } else {
            index
                .defs
                .iter()
                .filter_map(|d| match d.kind {
                    DefKind::Param => Some(item(&d.name, CompletionItemKind::VARIABLE, &d.detail)),
                    DefKind::Step { .. } => {
                        Some(item(&d.name, CompletionItemKind::MODULE, &d.detail))
                    }
                    _ => None,
                })
                .collect()
        };
        serde_json::to_value(CompletionResponse::Array(items)).ok()
    }

    fn symbols(&mut self, p: DocumentSymbolParams) -> Option<Value> {
        let d = self.docs.get(&p.text_document.uri)?;
        if d.kind == Kind::Asl {
            let lines = LineIndex::new(&d.text);
            let symbols: Vec<DocumentSymbol> = super::asl::symbols(&d.text)
                .iter()
                .map(|s| state_symbol(&lines, s))
                .collect();
            return serde_json::to_value(DocumentSymbolResponse::Nested(symbols)).ok();
        }
        let (ast, _) = syntax::parse(&d.text);
        let index = Index::build(&ast);
        let lines = LineIndex::new(&d.text);
        let symbols: Vec<DocumentSymbol> =
            index.outline.iter().map(|o| symbol(&lines, o)).collect();
        serde_json::to_value(DocumentSymbolResponse::Nested(symbols)).ok()
    }

    /// Quick fixes for the diagnostics under the range that carry one.
    fn code_actions(&mut self, p: CodeActionParams) -> Option<Value> {
        let d = self.docs.get(&p.text_document.uri)?;
        let lines = LineIndex::new(&d.text);
        let (from, to) = (offset(&lines, p.range.start), offset(&lines, p.range.end));
        let actions: Vec<CodeActionOrCommand> = d
            .diagnostics
            .iter()
            .filter(|x| (x.span.start as usize) <= to && from <= (x.span.end as usize))
            .filter_map(|x| {
                let fix = x.fix.as_ref()?;
                let edit = TextEdit {
                    range: range(&lines, fix.span),
                    new_text: fix.replacement.clone(),
                };
                Some(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.message.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic(&lines, &p.text_document.uri, x)]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(HashMap::from([(p.text_document.uri.clone(), vec![edit])])),
                        ..Default::default()
                    }),
                    is_preferred: Some(true),
                    ..Default::default()
                }))
            })
            .collect();
        serde_json::to_value(actions).ok()
    }
}

/// The identifier that ends `s` (possibly empty).
fn trailing_word(s: &str) -> &str {
    let start = s
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &s[start..]
}

/// A notification's params; malformed ones are dropped, as notifications get no reply.
fn params<P: serde::de::DeserializeOwned>(n: Notification) -> Option<P> {
    serde_json::from_value(n.params).ok()
}

fn capabilities() -> InitializeResult {
    InitializeResult {
        capabilities: ServerCapabilities {
            position_encoding: Some(PositionEncodingKind::UTF16),
            text_document_sync: Some(TextDocumentSyncCapability::Kind(
                TextDocumentSyncKind::INCREMENTAL,
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            definition_provider: Some(OneOf::Left(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec![".".into(), "{".into()]),
                ..Default::default()
            }),
            document_symbol_provider: Some(OneOf::Left(true)),
            code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
            ..Default::default()
        },
        server_info: Some(ServerInfo {
            name: "aslc".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    }
}

/// Apply one change: a replaced range, or (without a range) the whole text.
fn apply(text: &mut String, change: TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(r) => {
            let index = LineIndex::new(text);
            let (a, b) = (offset(&index, r.start), offset(&index, r.end));
            let (a, b) = (a.min(b), a.max(b));
            text.replace_range(a..b, &change.text);
        }
    }
}

fn item(label: &str, kind: CompletionItemKind, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        documentation: Some(Documentation::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value: detail.to_string(),
        })),
        ..Default::default()
    }
}

#[allow(deprecated)] // `deprecated` is a required field of DocumentSymbol in lsp-types.
fn state_symbol(lines: &LineIndex, s: &super::asl::StateSymbol) -> DocumentSymbol {
    DocumentSymbol {
        name: s.name.clone(),
        detail: Some(s.ty.clone()),
        kind: SymbolKind::FUNCTION,
        tags: None,
        deprecated: None,
        range: range(lines, s.span),
        selection_range: range(lines, s.name_span),
        children: (!s.children.is_empty())
            .then(|| s.children.iter().map(|c| state_symbol(lines, c)).collect()),
    }
}

#[allow(deprecated)] // `deprecated` is a required field of DocumentSymbol in lsp-types.
fn symbol(lines: &LineIndex, o: &Outline) -> DocumentSymbol {
    let kind = match o.kind {
        "param" => SymbolKind::VARIABLE,
        "retry" => SymbolKind::OBJECT,
        "when" | "parallel" => SymbolKind::NAMESPACE,
        _ => SymbolKind::FUNCTION,
    };
    let name_span: Span = o.name_span;
    DocumentSymbol {
        name: o.name.clone(),
        detail: Some(o.kind.to_string()),
        kind,
        tags: None,
        deprecated: None,
        range: range(lines, o.span),
        selection_range: range(lines, name_span),
        children: (!o.children.is_empty())
            .then(|| o.children.iter().map(|c| symbol(lines, c)).collect()),
    }
}

fn publish(uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>) -> Message {
    let params = PublishDiagnosticsParams {
        uri,
        diagnostics,
        version: None,
    };
    Message::Notification(Notification::new(
        notification::PublishDiagnostics::METHOD.to_string(),
        params,
    ))
}

fn log(typ: MessageType, message: String) -> Message {
    Message::Notification(Notification::new(
        notification::LogMessage::METHOD.to_string(),
        LogMessageParams { typ, message },
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn trailing_word_respects_multibyte_characters() {
        assert_eq!(super::trailing_word("payload { A = Featur"), "Featur");
        assert_eq!(super::trailing_word("\"🚀€\" Step"), "Step");
        assert_eq!(super::trailing_word("€Step"), "Step");
        assert_eq!(super::trailing_word("🚀"), "");
        assert_eq!(super::trailing_word(""), "");
    }
}
