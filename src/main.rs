//! The `casebook` command line: parses arguments and calls into the library.

#![forbid(unsafe_code)]

mod cmd;

/// The search index and the page renderers make and free millions of small buffers;
/// mimalloc does that far faster than the system allocator (glibc `free` was a third of a
/// 10,000-case build's time in `perf`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// Replace the output folder even if it holds files casebook did not write
        #[arg(long)]
        force: bool,
    },
    /// Report every problem a build would find, without writing anything
    Check {
        /// The site's folder (where casebook.yaml is)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// `human` for people, `json` for CI systems
        #[arg(long, value_enum, default_value = "human")]
        format: cmd::check::Format,
        /// Exit with status 2 when there are warnings (but no errors)
        #[arg(long)]
        strict: bool,
        /// Also check cases marked `draft: true` as published
        #[arg(long)]
        drafts: bool,
    },
    /// Preview the site: build, serve, rebuild on every save, reload the browser
    Serve {
        /// The site's folder (where casebook.yaml is)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; other computers can connect only if you pass e.g. 0.0.0.0
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser
        #[arg(long)]
        open: bool,
        /// Include cases marked `draft: true`
        #[arg(long)]
        drafts: bool,
    },
    /// Create something new: `casebook new case SLUG`
    New {
        #[command(subcommand)]
        what: New,
    },
    /// Create a new site in DIR that builds at once
    Init {
        /// The folder to create (it may exist, but must not hold a site)
        dir: PathBuf,
    },
    /// Search a built site's index (same matching and ranking as the search page)
    Search {
        /// The site's folder, or a built site (with search/idx/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Print the results as JSON
        #[arg(long)]
        json: bool,
        /// Only cases with this facet value, like domain=养老服务 (repeatable)
        #[arg(long = "filter", value_name = "KEY=VALUE")]
        filters: Vec<String>,
        /// Newest first instead of best match first
        #[arg(long)]
        sort_date: bool,
        /// Show at most this many results
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Words to find; space-separated terms must all match
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
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

#[derive(Subcommand)]
enum New {
    /// Write content/cases/SLUG.md with every field laid out and explained
    Case {
        /// The case's web address: cases/SLUG/ (letters, digits, Chinese, `-`)
        slug: String,
        /// The case's title
        #[arg(long)]
        title: Option<String>,
        /// The site's folder (where casebook.yaml is)
        #[arg(long, default_value = ".")]
        root: PathBuf,
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
            force,
        } => cmd::build::run(&casebook::BuildOptions {
            root,
            out,
            base_url,
            drafts,
            force,
        }),
        Command::Check {
            root,
            format,
            strict,
            drafts,
        } => cmd::check::run(
            &casebook::BuildOptions {
                root,
                drafts,
                ..Default::default()
            },
            format,
            strict,
        ),
        Command::New {
            what: New::Case { slug, title, root },
        } => cmd::new::case(&root, &slug, title.as_deref()),
        Command::Init { dir } => cmd::init::run(&dir),
        Command::Serve {
            root,
            port,
            bind,
            open,
            drafts,
        } => cmd::serve::run(
            &casebook::serve::ServeOptions {
                root,
                port,
                bind,
                drafts,
            },
            open,
        ),
        Command::Search {
            root,
            json,
            filters,
            sort_date,
            limit,
            query,
        } => cmd::search::run(&cmd::search::Args {
            root,
            query: query.join(" "),
            json,
            filters,
            sort_date,
            limit,
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
            // An output casebook must not replace was refused before anything changed.
            match e.downcast_ref::<casebook::Error>() {
                Some(casebook::Error::Refused(_)) => ExitCode::from(2),
                _ => ExitCode::from(1),
            }
        }
    }
}
