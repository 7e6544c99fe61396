//! The `trello-auth` command line (DESIGN's list): `login`, `status`, `token`, `logout`,
//! `origin`, `demo`. A library so that the Python wheel's console script runs the same code:
//! [`run`] takes the arguments and returns the exit code.
//!
//! Exit codes: 0 success, 1 failure (a rejected token for `status`), 2 a configuration error
//! (or nothing stored, for `status`), 3 the user denied access, 4 the Trello popup was closed,
//! 5 the login timed out, 130 cancelled with Ctrl-C. Only `token` ever prints a token.
#![warn(missing_docs)]

mod args;
mod commands;
mod demo;
mod output;
mod sandbox;

use std::ffi::OsString;

use clap::Parser;

use args::{Cli, Command};

/// Runs `trello-auth` with `args` (the first is the program name) and returns the exit code.
/// Output goes to this process's stdout and stderr.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Login(a) => commands::login::run(a),
        Command::Status(a) => commands::status::run(a),
        Command::Token(a) => commands::token::run(a),
        Command::Logout(a) => commands::logout::run(a),
        Command::Origin(a) => commands::origin::run(a),
        Command::Demo => return demo::run(),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            output::error(&failure.message);
            failure.code
        }
    }
}

/// A command that failed: what to tell the user, and the exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) message: String,
    pub(crate) code: u8,
}

impl From<trello_auth_login::Error> for Failure {
    fn from(e: trello_auth_login::Error) -> Self {
        Failure {
            message: error_chain(&e),
            code: e.exit_code(),
        }
    }
}

impl Failure {
    /// A configuration error (exit 2).
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 2,
        }
    }
}

/// The error's message and its sources', each once.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    message
}
