//! The language server's state and request handlers. Every answer is computed by the same
//! library calls the CLI makes, so editor and CI agree.

use super::convert::{diagnostic, offset, range};
use super::index::{Def, DefKind, Index, Outline};
use crate::diagnostics::{Diagnostic, LineIndex, Span};
use crate::{asl, driver};
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

/// An open document and what was computed from its current version (once, when the text
/// changed: requests read it, never re-parse).
struct Document {
    text: String,
    kind: Kind,
    diagnostics: Vec<Diagnostic>,
    /// Line starts of `text`, for positions in both directions.
    starts: Vec<usize>,
    /// Pipelines: definitions and resolved references of the current text.
    index: Index,
    /// Pipelines: the index of the last version without syntax errors. Completion offers its
    /// names too, so a half-typed line does not empty the list.
    last_good: Option<Index>,
    /// The folder of a document on disk: where the pipelines it runs (`use "x.sfn"`) are.
    dir: Option<std::path::PathBuf>,
}

impl Document {
    fn new(text: String, kind: Kind, dir: Option<std::path::PathBuf>) -> Document {
        Document {
            text,
            kind,
            dir,
            diagnostics: Vec::new(),
            starts: Vec::new(),
            index: Index::default(),
            last_good: None,
        }
    }

    fn lines(&self) -> LineIndex<'_> {
        LineIndex::with_starts(&self.text, &self.starts)
    }

    /// Recompute everything derived from the text.
    fn analyze(&mut self) {
        self.starts = LineIndex::line_starts(&self.text);
        match self.kind {
            Kind::Pipeline => {
                let a = driver::analyze_in(&self.text, self.dir.as_deref());
                // What the compiler will make of each step, when the pipeline checks clean.
                let plan = a
                    .checked
                    .as_ref()
                    .map(|c| crate::lower::lower(c, &Default::default()).plan);
                let index = Index::build(&a.ast, &a.names, plan.as_ref());
                if !a.syntax_errors {
                    self.last_good = None;
                } else if self.last_good.is_none() {
                    self.last_good = Some(std::mem::take(&mut self.index));
                }
                self.index = index;
                self.diagnostics = a.diagnostics;
            }
            Kind::Asl => self.diagnostics = asl::validate(&self.text, &asl::Options::default()),
        }
    }
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
        if self.shutdown {
            // LSP: after `shutdown`, every request is an error; only `exit` is expected.
            return Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                format!("the server is shutting down; `{}` is not served", r.method),
            );
        }
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
            request::Formatting::METHOD => {
                self.with::<DocumentFormattingParams>(r, |s, p| s.formatting(p))
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
                let dir = (uri.scheme().is_some_and(|s| s.as_str() == "file"))
                    .then(|| std::path::PathBuf::from(uri.path().as_str()))
                    .and_then(|p| p.parent().map(std::path::Path::to_path_buf));
                self.docs
                    .insert(uri.clone(), Document::new(p.text_document.text, kind, dir));
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

    /// Re-check a document (once per version) and publish its diagnostics.
    fn publish(&mut self, uri: &Uri) -> Replies {
        let Some(doc) = self.docs.get_mut(uri) else {
            return Vec::new();
        };
        doc.analyze();
        let lines = doc.lines();
        let diags = doc
            .diagnostics
            .iter()
            .map(|d| diagnostic(&lines, uri, d))
            .collect();
        vec![publish(uri.clone(), diags)]
    }

    /// The pipeline document at a position, and the byte offset.
    fn pipeline_at(&self, doc: &TextDocumentPositionParams) -> Option<(&Document, usize)> {
        let d = self
            .docs
            .get(&doc.text_document.uri)
            .filter(|d| d.kind == Kind::Pipeline)?;
        let off = offset(&d.lines(), doc.position);
        Some((d, off))
    }

    fn hover(&mut self, p: HoverParams) -> Option<Value> {
        let (doc, off) = self.pipeline_at(&p.text_document_position_params)?;
        let (span, def) = doc.index.at(off)?;
        let hover = Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: def.detail.clone(),
            }),
            range: Some(range(&doc.lines(), span)),
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
            let lines = d.lines();
            let (_, def) = super::asl::definition(&d.text, offset(&lines, pos.position))?;
            let loc = Location {
                uri: pos.text_document.uri.clone(),
                range: range(&lines, def),
            };
            return serde_json::to_value(GotoDefinitionResponse::Scalar(loc)).ok();
        }
        let (doc, off) = self.pipeline_at(pos)?;
        let (_, def) = doc.index.at(off)?;
        let loc = Location {
            uri: pos.text_document.uri.clone(),
            range: range(&doc.lines(), def.span),
        };
        serde_json::to_value(GotoDefinitionResponse::Scalar(loc)).ok()
    }

    /// After `Step.`: that step's outputs; elsewhere: parameters and steps.
    fn completion(&mut self, p: CompletionParams) -> Option<Value> {
        let (doc, off) = self.pipeline_at(&p.text_document_position)?;
        // The current definitions, then those of the last version that parsed cleanly.
        let mut defs: Vec<&Def> = doc.index.defs.iter().collect();
        for d in doc.last_good.iter().flat_map(|i| &i.defs) {
            if !defs.iter().any(|x| x.name == d.name) {
                defs.push(d);
            }
        }
        let before = &doc.text[..off.min(doc.text.len())];
        let rest = &before[..before.len() - trailing_word(before).len()];
        let items: Vec<CompletionItem> = if let Some(step) =
            rest.strip_suffix('.').map(trailing_word)
        {
            let prefix = format!("{step}.");
            defs.iter()
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
            defs.iter()
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
        let lines = d.lines();
        if d.kind == Kind::Asl {
            let symbols: Vec<DocumentSymbol> = super::asl::symbols(&d.text)
                .iter()
                .map(|s| state_symbol(&lines, s))
                .collect();
            return serde_json::to_value(DocumentSymbolResponse::Nested(symbols)).ok();
        }
        let symbols: Vec<DocumentSymbol> =
            d.index.outline.iter().map(|o| symbol(&lines, o)).collect();
        serde_json::to_value(DocumentSymbolResponse::Nested(symbols)).ok()
    }

    /// Quick fixes for the diagnostics under the range that carry one.
    /// `aslc fmt` as one edit of the whole document; none when it is formatted already or has
    /// syntax errors (the editor shows those as diagnostics).
    fn formatting(&mut self, p: DocumentFormattingParams) -> Option<Value> {
        let d = self.docs.get(&p.text_document.uri)?;
        if d.kind != Kind::Pipeline {
            return None;
        }
        let formatted = crate::fmt::format(&d.text).ok()?;
        let edits: Vec<TextEdit> = if formatted == d.text {
            Vec::new()
        } else {
            let lines = d.lines();
            vec![TextEdit {
                range: range(&lines, Span::new(0, d.text.len())),
                new_text: formatted,
            }]
        };
        serde_json::to_value(edits).ok()
    }

    fn code_actions(&mut self, p: CodeActionParams) -> Option<Value> {
        let d = self.docs.get(&p.text_document.uri)?;
        let lines = d.lines();
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
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
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
            document_formatting_provider: Some(OneOf::Left(true)),
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
