//! The browser tests: the sandbox's pages and the login helper in headless Chromium, driven
//! through the harness of [`trello_auth_tests::chromium`].

mod login;
mod oauth2;
mod sandbox_pages;

pub use trello_auth_tests::chromium::Browser;
