//! The bodies of trello-auth's fuzz targets: one function per parser that reads what another
//! party controls, each taking the fuzzer's bytes. `fuzz/fuzz_targets/<name>.rs` hands them to
//! libFuzzer; the replay test runs every committed corpus through them on stable Rust, so a
//! crash once found stays fixed. A target panics only when a property it checks is broken.
//!
//! Inputs are NUL-separated fields ([`input::Fields`]); each target's documentation gives its
//! fields, and `seed` writes the conformance vectors in that form.

pub mod input;
mod targets;

pub use targets::*;

/// One fuzz target: its name (the file under `fuzz/fuzz_targets/` and the corpus folder) and
/// its body.
pub struct Target {
    /// The target's name.
    pub name: &'static str,
    /// Runs one input; panics on a broken property.
    pub run: fn(&[u8]),
}

/// Every target, in the order `cargo xtask fuzz` runs them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "capture_fragment",
        run: capture_fragment,
    },
    Target {
        name: "capture_post_message",
        run: capture_post_message,
    },
    Target {
        name: "capture_paste",
        run: capture_paste,
    },
    Target {
        name: "classify",
        run: classify,
    },
    Target {
        name: "rate_limit_headers",
        run: rate_limit_headers,
    },
    Target {
        name: "oauth1_token_response",
        run: oauth1_token_response,
    },
    Target {
        name: "oauth1_callback",
        run: oauth1_callback,
    },
    Target {
        name: "oauth1_base_string",
        run: oauth1_base_string,
    },
    Target {
        name: "oauth2_redirect",
        run: oauth2_redirect,
    },
    Target {
        name: "oauth2_token_response",
        run: oauth2_token_response,
    },
    Target {
        name: "webhook_verify",
        run: webhook_verify,
    },
    Target {
        name: "login_receiver",
        run: login_receiver,
    },
    Target {
        name: "sandbox_credentials",
        run: sandbox_credentials,
    },
    Target {
        name: "sandbox_oauth1",
        run: sandbox_oauth1,
    },
];
