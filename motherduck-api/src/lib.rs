//! placeholder

mod base_url;
mod body;
mod retry;
mod secret;

pub use retry::RetryPolicy;
pub use secret::Secret;
