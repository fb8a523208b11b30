//! Where the CLI's results go: diagnostics to stderr (human) or stdout (json), artefacts to
//! disk atomically.

use super::Format;
use crate::diagnostics::{render_human, render_sarif, Diagnostic, JsonReport, SourceFile};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

pub struct Reporter {
    format: Format,
    /// Machine formats are one document for the whole run; files are kept until the end.
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
        if self.format != Format::Human {
            self.kept
                .push((file.name.to_string(), file.text.to_string(), diags));
        } else if !diags.is_empty() {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            eprint!("{}", render_human(file, &diags, color));
        }
    }

    pub fn finish(self) {
        let files: Vec<(SourceFile, &[Diagnostic])> = self
            .kept
            .iter()
            .map(|(name, text, d)| (SourceFile { name, text }, d.as_slice()))
            .collect();
        let text = match self.format {
            Format::Human => return,
            Format::Json => {
                let mut report = JsonReport::new();
                for (file, diags) in &files {
                    report.add(file, diags);
                }
                serde_json::to_string_pretty(&report)
            }
            Format::Sarif => serde_json::to_string_pretty(&render_sarif(&files)),
        };
        emit(&format!("{}\n", text.unwrap_or_default()));
    }
}

/// Write to standard output. A reader that went away (`aslc … | head`) ends the run quietly
/// with exit code 2, an I/O error, instead of a panic.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write to standard output: {e}");
        }
        std::process::exit(2);
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
        let mut tmp = staging_file(&dir)?;
        tmp.write_all(contents.as_bytes())?;
        tmp.as_file().sync_all()?;
        staged.push((tmp, path));
    }
    for (tmp, path) in staged {
        tmp.persist(path).map_err(|e| e.error)?;
    }
    Ok(())
}

/// A temporary file next to the target. Temporary files are private (0600); artefacts are read
/// by other tools and users, so they get the usual 0644.
fn staging_file(dir: &std::path::Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".aslc-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder.tempfile_in(dir)
}

/// `compile --check`: report, on stderr, each target that is missing on disk or differs from
/// what would be written (with a unified diff, at most 40 lines each). True if any is stale.
pub fn stale(targets: &[(PathBuf, &String)]) -> bool {
    let mut any = false;
    for (path, new) in targets {
        let old = match std::fs::read_to_string(path) {
            Ok(old) => old,
            Err(e) => {
                eprintln!("stale: {} is missing ({e})", path.display());
                any = true;
                continue;
            }
        };
        if old == **new {
            continue;
        }
        any = true;
        eprintln!(
            "stale: {} differs from what the source compiles to",
            path.display()
        );
        print_diff(&path.display().to_string(), "compiled", &old, new);
    }
    any
}

/// A unified diff on stderr, at most 40 lines.
pub fn print_diff(name: &str, label: &str, old: &str, new: &str) {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header(name, label)
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(40) {
        eprintln!("{line}");
    }
    if lines.len() > 40 {
        eprintln!("… {} more lines of diff", lines.len() - 40);
    }
}
