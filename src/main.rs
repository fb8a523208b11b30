//! The `aslc` binary: all behaviour lives in the library.

use std::process::ExitCode;

// Validating, compiling and running allocate many small strings and maps; mimalloc (as ruff
// uses) takes a fifth off the validator's time per document (README, "Performance").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Parsing and validation recurse over the input; their depth is bounded, and a large stack
    // keeps even the bounded worst case far from overflowing in debug builds.
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(aslc::cli::main);
    match worker.map(|w| w.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("error: internal error in aslc (this is a bug; please report it)");
            ExitCode::from(2)
        }
    }
}
