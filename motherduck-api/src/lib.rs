//! A Rust SDK for the [MotherDuck REST API]: service accounts, access tokens, Duckling
//! (instance) configuration, active accounts, and Dive embed sessions.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use motherduck_api::types::TokenType;
//!
//! # async fn run() -> motherduck_api::Result<()> {
//! let client = motherduck_api::Client::from_env()?;
//! client.users().create_service_account("svc_reports").await?;
//! let token = client
//!     .tokens()
//!     .create("svc_reports", "dashboards")
//!     .token_type(TokenType::ReadScaling)
//!     .ttl(Duration::from_secs(3600))
//!     .await?;
//! println!("token {} expires at {:?}", token.id, token.expire_at);
//!
//! let mut config = client.ducklings().get_config("svc_reports").await?;
//! config.read_scaling.flock_size += 1.0;
//! client.ducklings().set_config("svc_reports", config).await?;
//! # Ok(()) }
//! ```
//!
//! The crate is mostly generated from MotherDuck's OpenAPI spec by `cargo xtask
//! regenerate`:
//!
//! - [`Client`] and [`ClientBuilder`]: configuration and authentication (hand-written).
//! - [`resources`]: the operations, grouped as the spec tags them (`client.tokens()`).
//! - [`requests`]: one builder per operation, for optional values; await it to send.
//! - [`types`]: request and response types; enums keep values this SDK does not know.
//! - [`Error`]: one error type for every call, with the HTTP status of every response.
//! - [`RetryPolicy`]: what is retried, how often, how long to wait.
//!
//! Every value is checked against the spec's rules before a request is sent; a request
//! that breaks one fails with an error naming the field and the rule, and sends nothing.
//!
//! [MotherDuck REST API]: https://motherduck.com/docs/sql-reference/rest-api/motherduck-rest-api/

mod base_url;
mod body;
mod client;
mod error;
mod number;
mod path;
mod retry;
mod secret;
mod validate;

mod generated {
    //! Written by `cargo xtask regenerate`; never edited by hand. The files are formatted
    //! by the generator (prettyplease) and pulled in with `include!`, which `cargo fmt`
    //! does not follow, so formatting never changes them and the drift check stays exact.

    pub(crate) mod api {
        include!("generated/api.rs");
    }

    #[allow(
        unreachable_pub,
        reason = "progenitor writes `pub` items; the crate re-exports `types` only"
    )]
    #[allow(
        dead_code,
        reason = "progenitor's `Client::new` is unused: the SDK builds its own HTTP client"
    )]
    pub(crate) mod raw {
        include!("generated/raw.rs");
    }
}

pub use client::{
    BASE_URL_VARIABLE, CallFuture, Client, ClientBuilder, DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, TOKEN_VARIABLES,
};
pub use error::{ApiError, Error, ErrorKind, Result};
pub use generated::api::{requests, resources};
pub use retry::RetryPolicy;
pub use secret::Secret;

/// The README's examples, compiled as doctests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

pub mod types {
    //! Request and response types, generated from the spec's schemas.
    //!
    //! String enums ([`InstanceSize`], [`TokenType`]) keep values this SDK does not know
    //! as their `Unknown` variant; such a value cannot be sent back.
    pub use crate::generated::api::enums::*;
    pub use crate::generated::raw::types::*;
}
