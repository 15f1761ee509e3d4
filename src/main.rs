//! The `casebook` command line: parses arguments and calls into the library.

mod cmd;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "casebook",
    version,
    about = "Build program showcases and case compendiums from Markdown"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (or --out)
    Build {
        /// The site's folder (where casebook.yaml is)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder [default: <root>/public]
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override the config's base_url (e.g. for a preview host)
        #[arg(long)]
        base_url: Option<String>,
        /// Include cases marked `draft: true`
        #[arg(long)]
        drafts: bool,
    },
    /// Print the print edition to PDF with headless Chromium
    Pdf {
        /// The site's folder (where casebook.yaml is)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Print this collection (its file name in content/collections/, without .md)
        #[arg(long, value_name = "SLUG")]
        collection: Option<String>,
        /// The PDF to write [default: <root>/casebook.pdf or <root>/<SLUG>.pdf]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Chromium or Chrome to print with [default: $CASEBOOK_CHROMIUM, or found on PATH]
        #[arg(long, value_name = "PATH")]
        chromium: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            drafts,
        } => cmd::build::run(&casebook::BuildOptions {
            root,
            out,
            base_url,
            drafts,
        }),
        Command::Pdf {
            root,
            collection,
            out,
            chromium,
        } => cmd::pdf::run(&casebook::pdf::PdfOptions {
            collection,
            out,
            chromium,
            ..casebook::pdf::PdfOptions::new(root)
        }),
    };
    match result {
        Ok(0) => ExitCode::SUCCESS,
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
