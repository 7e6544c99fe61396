//! A fleet-wide Trello rate-limit budget on Redis (SPEC S4.3): every worker of one API key,
//! on any number of machines, reserves each request in one Redis before sending it, so the
//! fleet together stays within 300 requests per 10 s for the key, 100 per 10 s per token and
//! 100 per 900 s per token on `/1/members/` routes, and Trello never has to answer 429.
//!
//! [`RedisBudget`] runs the rules and scripts of
//! [`trello_auth_core::fleet`] with the `redis` crate: one script call per request reserves a
//! slot in every budget the request needs or in none, timed by Redis `TIME` (no worker's clock
//! takes part); `EVALSHA`, reloading the script after a `NOSCRIPT`; one reconnecting
//! multiplexed connection for async clients and a small pool for blocking ones; a timeout on
//! every Redis call. Give it to either client in place of the in-process limiter:
//!
//! ```
//! use trello_auth_core::{ApiKey, Credentials, Origin, Token};
//! use trello_auth_redis::{server::RedisServer, OnRedisDown, RedisBudget};
//!
//! # let sandbox = trello_auth_sandbox::Sandbox::builder().start_blocking()?;
//! # let (key, token, api) = (sandbox.app().key.clone(), sandbox.token().to_owned(), sandbox.api_base());
//! let redis = RedisServer::start()?; // a throwaway one; yours: redis://host:6379/
//! let budget = RedisBudget::builder(&redis.url())
//!     .on_redis_down(OnRedisDown::LocalShare(8)) // 8 workers: each keeps 1/8 meanwhile
//!     .build()?;
//! let credentials = Credentials::new(ApiKey::new(&key)?, Token::new(&token)?)
//!     .with_api_base(Origin::parse(api)?);
//! let client = trello_auth_ureq::Client::builder()
//!     .credentials(credentials)
//!     .rate_budget(budget.clone()) // a clone shares the connections
//!     .build();
//! let me = client.me()?; // reserved in Redis, then sent
//! # assert_eq!(me.username, sandbox.member().username);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # When Redis is down
//!
//! A Redis call that fails or takes longer than the [timeout](RedisBudgetBuilder::timeout)
//! (100 ms by default) is answered by the [failure policy](OnRedisDown):
//! - [`FailClosed`](OnRedisDown::FailClosed) (the default): the call fails with
//!   `Error::RateBudget` and nothing is sent;
//! - [`LocalShare(n)`](OnRedisDown::LocalShare): this process keeps `1/n` of every budget on
//!   its own clock until Redis answers again (`n` = the fleet's size);
//! - [`FailOpen`](OnRedisDown::FailOpen): requests go out unpaced, and a warning is logged.
//!
//! Each change between Redis answering and not is logged once (`tracing`, target
//! `trello_auth_redis`), never with a key, a token or the URL's password.
//!
//! If Redis loses its state (a restart without persistence), the first worker that knew the
//! state before tells the fleet, and every budget waits until a window has passed since the
//! new state began: the requests of the lost window and of the new one never add up.
//!
//! # Keys
//!
//! All keys of one API key share one hash tag (`trello-auth:{<key hash>}:…`), so Redis Cluster
//! serves every script call from one slot; tokens appear only as hashes.

#![warn(missing_docs)]

mod budget;
mod builder;
mod conn;
mod local;
#[cfg(unix)]
pub mod server;

pub use budget::RedisBudget;
pub use builder::{Error, OnRedisDown, RedisBudgetBuilder};
pub use trello_auth_core::fleet::Limits;
