//! Where the CLI's results go: diagnostics to stderr (human) or stdout (json), artefacts to
//! disk atomically.

use super::Format;
use crate::diagnostics::{render_human, Diagnostic, JsonReport, SourceFile};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

pub struct Reporter {
    format: Format,
    /// JSON reports are written once at the end; files are kept until then.
    kept: Vec<(String, String, Vec<Diagnostic>)>,
}

impl Reporter {
    pub fn new(format: Format) -> Reporter {
        Reporter {
            format,
            kept: Vec::new(),
        }
    }

    pub fn file(&mut self, file: &SourceFile, diags: Vec<Diagnostic>) {
        match self.format {
            Format::Human => {
                if !diags.is_empty() {
                    let color =
                        std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                    eprint!("{}", render_human(file, &diags, color));
                }
            }
            Format::Json => self
                .kept
                .push((file.name.to_string(), file.text.to_string(), diags)),
        }
    }

    pub fn finish(self) {
        if self.format != Format::Json {
            return;
        }
        let mut report = JsonReport::new();
        for (name, text, diags) in &self.kept {
            report.add(&SourceFile { name, text }, diags);
        }
        let text = serde_json::to_string_pretty(&report).unwrap_or_default();
        println!("{text}");
    }
}

/// Write every file or none: each goes to a temporary file in its directory first, and all are
/// renamed into place only when all were written.
pub fn write_all_atomically(targets: &[(PathBuf, &String)]) -> std::io::Result<()> {
    let mut staged = Vec::new();
    for (path, contents) in targets {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
        tmp.write_all(contents.as_bytes())?;
        tmp.as_file().sync_all()?;
        staged.push((tmp, path));
    }
    for (tmp, path) in staged {
        tmp.persist(path).map_err(|e| e.error)?;
    }
    Ok(())
}
