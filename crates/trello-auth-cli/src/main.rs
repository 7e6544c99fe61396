//! The `trello-auth` binary: [`trello_auth_cli::run`] with this process's arguments.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(trello_auth_cli::run(std::env::args_os()))
}
