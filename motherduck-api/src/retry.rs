//! When a failed call is tried again, and how long to wait before it.
//!
//! MotherDuck rate-limits its REST API and, like any service behind a load balancer,
//! sometimes answers 502/503/504 while a backend restarts. [`RetryPolicy`] decides per
//! attempt whether the client sends the request again, which depends on two things:
//!
//! - Whether a repeat is safe. GET, PUT, DELETE, HEAD and OPTIONS are idempotent, so they
//!   are retried after timeouts, resets and transient statuses. POST creates things (a
//!   token, a service account); repeating one that reached the server could create a
//!   second, so POST is retried only when the server certainly did not act on it: a
//!   connection that failed before sending, or a 429.
//! - How long to wait. A `retry-after-ms` or `Retry-After` header is obeyed as sent;
//!   otherwise the wait grows exponentially with random jitter in the upper half of each
//!   step, so that many clients spread out without retrying early.
//!
//! A server that asks for a longer wait than [`RetryPolicy::max_retry_after`] allows gets
//! no sleep at all: the call fails at once and the caller learns how long to wait, since
//! blocking a task for minutes inside an SDK call surprises more than it helps.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// Header some gateways send in place of, or beside, `Retry-After`; in milliseconds.
const RETRY_AFTER_MS: HeaderName = HeaderName::from_static("retry-after-ms");

/// How often and how patiently the client repeats a request that failed transiently.
///
/// The default makes at most 4 attempts, waiting about 250 ms, 500 ms and 1 s between
/// them (each wait is drawn from the upper half of its step), never more than 8 s for
/// one backoff, and honours a server's `Retry-After` of up to 30 s.
///
/// ```
/// use std::time::Duration;
///
/// use motherduck_api::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_attempts(6).max_retry_after(Duration::from_secs(60));
/// let never = RetryPolicy::disabled();
/// # let _ = (patient, never);
/// ```
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that sends every request exactly once.
    pub fn disabled() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Sets the number of attempts in total, the first included; values below 1 mean 1.
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the backoff step before the first retry; each later step doubles it.
    #[must_use]
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Sets the longest backoff step, however many attempts came before.
    #[must_use]
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Sets the longest server-requested wait the client sleeps through; a longer one
    /// fails the call at once, reporting the wait.
    #[must_use]
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Decides what follows `attempt` (1-based, the attempt that just finished).
    ///
    /// `jitter` must return a value uniform in `[0, 1)`; it is called at most once, and
    /// only when the wait comes from backoff rather than from the server.
    pub(crate) fn decide(
        &self,
        method: &Method,
        outcome: Outcome<'_>,
        attempt: u32,
        jitter: &mut impl FnMut() -> f64,
    ) -> Decision {
        if attempt >= self.max_attempts || !is_retryable(method, &outcome) {
            return Decision::Stop;
        }

        let requested = match outcome {
            Outcome::Response { headers, .. } => retry_after(headers, SystemTime::now()),
            Outcome::NotSent | Outcome::Failed => None,
        };
        match requested {
            Some(wait) if wait > self.max_retry_after => {
                Decision::RateLimited { retry_after: wait }
            }
            Some(wait) => Decision::Retry(wait),
            None => Decision::Retry(self.backoff(attempt, jitter())),
        }
    }

    /// The wait after attempt `n`: the step `min(initial·2^(n−1), max_backoff)`, of which
    /// the lower half is always waited and the upper half scaled by `jitter`.
    fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let step = 2u32
            .checked_pow(attempt.saturating_sub(1))
            .and_then(|factor| self.initial_backoff.checked_mul(factor))
            .map_or(self.max_backoff, |step| step.min(self.max_backoff));
        let half = step / 2;
        let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
        half + half.mul_f64(jitter)
    }
}

/// What became of one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Outcome<'a> {
    /// The server answered.
    Response { status: StatusCode, headers: &'a HeaderMap },
    /// The connection failed before the request could have been sent (e.g. connect error).
    NotSent,
    /// The request may have reached the server: a timeout, or a reset part-way.
    Failed,
}

/// What the client does after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Sleep this long, then send the request again.
    Retry(Duration),
    /// Return this attempt's result to the caller.
    Stop,
    /// Fail at once: the server asked for a wait longer than the policy honours.
    RateLimited {
        /// The wait the server asked for.
        retry_after: Duration,
    },
}

/// Whether `outcome` may be retried for `method`, attempts permitting.
fn is_retryable(method: &Method, outcome: &Outcome<'_>) -> bool {
    let idempotent = is_idempotent(method);
    match *outcome {
        Outcome::NotSent => true,
        Outcome::Failed => idempotent,
        Outcome::Response { status, .. } if idempotent => is_transient(status),
        Outcome::Response { status, .. } => status == StatusCode::TOO_MANY_REQUESTS,
    }
}

/// The methods this client treats as safe to repeat.
fn is_idempotent(method: &Method) -> bool {
    [Method::GET, Method::PUT, Method::DELETE, Method::HEAD, Method::OPTIONS].contains(method)
}

/// Statuses that say "try again later" rather than "this request is wrong".
fn is_transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
}

/// The wait a response asks for: `retry-after-ms` if valid, else `Retry-After` as
/// delta-seconds or an HTTP date (a past date means no wait), measured from `now`.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &HeaderName| headers.get(name).and_then(|value| value.to_str().ok());
    text(&RETRY_AFTER_MS)
        .and_then(parse_millis)
        .or_else(|| text(&RETRY_AFTER).and_then(|value| parse_retry_after(value, now)))
}

/// Parses a non-negative, possibly fractional, number of milliseconds.
fn parse_millis(value: &str) -> Option<Duration> {
    let millis: f64 = value.trim().parse().ok()?;
    if !millis.is_finite() || millis < 0.0 {
        return None;
    }
    Duration::try_from_secs_f64(millis / 1000.0).ok()
}

/// Parses `Retry-After`: whole seconds, or an HTTP date.
fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        // All digits but too many for u64: the server wants a very long wait.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use reqwest::header::HeaderValue;

    use super::*;

    const TRANSIENT: [u16; 5] = [408, 429, 502, 503, 504];
    const FINAL: [u16; 9] = [200, 201, 204, 400, 401, 403, 404, 500, 501];
    const IDEMPOTENT: [Method; 5] =
        [Method::GET, Method::PUT, Method::DELETE, Method::HEAD, Method::OPTIONS];

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn status(code: u16, headers: &HeaderMap) -> Outcome<'_> {
        Outcome::Response { status: StatusCode::from_u16(code).unwrap(), headers }
    }

    fn decide(
        policy: &RetryPolicy,
        method: Method,
        outcome: Outcome<'_>,
        attempt: u32,
    ) -> Decision {
        policy.decide(&method, outcome, attempt, &mut || 0.0)
    }

    fn unused_jitter() -> f64 {
        panic!("jitter drawn although the server named the wait")
    }

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    #[test]
    fn default_allows_four_attempts_with_documented_timings() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.max_attempts, 4);
        assert_eq!(policy.initial_backoff, ms(250));
        assert_eq!(policy.max_backoff, Duration::from_secs(8));
        assert_eq!(policy.max_retry_after, Duration::from_secs(30));
    }

    #[test]
    fn setters_replace_each_field() {
        let policy = RetryPolicy::default()
            .max_attempts(7)
            .initial_backoff(ms(10))
            .max_backoff(ms(20))
            .max_retry_after(ms(30));
        assert_eq!(policy.max_attempts, 7);
        assert_eq!(policy.initial_backoff, ms(10));
        assert_eq!(policy.max_backoff, ms(20));
        assert_eq!(policy.max_retry_after, ms(30));
    }

    #[test]
    fn max_attempts_below_one_means_one() {
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
    }

    #[test]
    fn disabled_never_retries() {
        let policy = RetryPolicy::disabled();
        let none = HeaderMap::new();
        assert_eq!(decide(&policy, Method::GET, Outcome::NotSent, 1), Decision::Stop);
        assert_eq!(decide(&policy, Method::GET, status(503, &none), 1), Decision::Stop);
    }

    #[test]
    fn idempotent_methods_retry_transient_statuses() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        for method in IDEMPOTENT {
            for code in TRANSIENT {
                let decision = decide(&policy, method.clone(), status(code, &none), 1);
                assert_eq!(decision, Decision::Retry(ms(125)), "{method} {code}");
            }
        }
    }

    #[test]
    fn idempotent_methods_stop_on_final_statuses() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        for method in IDEMPOTENT {
            for code in FINAL {
                let decision = decide(&policy, method.clone(), status(code, &none), 1);
                assert_eq!(decision, Decision::Stop, "{method} {code}");
            }
        }
    }

    #[test]
    fn idempotent_methods_retry_unsent_and_failed_requests() {
        let policy = RetryPolicy::default();
        for method in IDEMPOTENT {
            for outcome in [Outcome::NotSent, Outcome::Failed] {
                let decision = decide(&policy, method.clone(), outcome, 1);
                assert_eq!(decision, Decision::Retry(ms(125)), "{method} {outcome:?}");
            }
        }
    }

    #[test]
    fn post_retries_only_rate_limits_and_unsent_requests() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        assert_eq!(decide(&policy, Method::POST, status(429, &none), 1), Decision::Retry(ms(125)));
        assert_eq!(decide(&policy, Method::POST, Outcome::NotSent, 1), Decision::Retry(ms(125)));
        assert_eq!(decide(&policy, Method::POST, Outcome::Failed, 1), Decision::Stop);
        for code in [408, 502, 503, 504, 500, 400] {
            let decision = decide(&policy, Method::POST, status(code, &none), 1);
            assert_eq!(decision, Decision::Stop, "POST {code}");
        }
    }

    #[test]
    fn other_methods_are_treated_like_post() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        assert_eq!(decide(&policy, Method::PATCH, status(503, &none), 1), Decision::Stop);
        assert_eq!(decide(&policy, Method::PATCH, Outcome::Failed, 1), Decision::Stop);
        assert_eq!(decide(&policy, Method::PATCH, status(429, &none), 1), Decision::Retry(ms(125)));
    }

    #[test]
    fn stops_once_the_last_attempt_has_finished() {
        let policy = RetryPolicy::default();
        assert_eq!(decide(&policy, Method::GET, Outcome::Failed, 3), Decision::Retry(ms(500)));
        assert_eq!(decide(&policy, Method::GET, Outcome::Failed, 4), Decision::Stop);
        assert_eq!(decide(&policy, Method::GET, Outcome::Failed, 5), Decision::Stop);
    }

    #[test]
    fn stops_rather_than_rate_limits_after_the_last_attempt() {
        let policy = RetryPolicy::default();
        let wait = headers(&[("retry-after", "600")]);
        assert_eq!(decide(&policy, Method::GET, status(429, &wait), 4), Decision::Stop);
    }

    #[test]
    fn backoff_doubles_with_each_attempt() {
        let policy = RetryPolicy::default().max_attempts(10);
        let waits: Vec<_> =
            (1..=5).map(|n| decide(&policy, Method::GET, Outcome::Failed, n)).collect();
        let expected = [125, 250, 500, 1000, 2000].map(|m| Decision::Retry(ms(m)));
        assert_eq!(waits, expected);
    }

    #[test]
    fn backoff_is_capped_at_max_backoff() {
        let policy = RetryPolicy::default().max_attempts(20);
        assert_eq!(decide(&policy, Method::GET, Outcome::Failed, 6), Decision::Retry(ms(4000)));
        assert_eq!(decide(&policy, Method::GET, Outcome::Failed, 12), Decision::Retry(ms(4000)));
    }

    #[test]
    fn backoff_saturates_instead_of_overflowing() {
        let policy = RetryPolicy::default().max_attempts(u32::MAX);
        for attempt in [33, 64, 1000, u32::MAX - 1] {
            let decision = decide(&policy, Method::GET, Outcome::Failed, attempt);
            assert_eq!(decision, Decision::Retry(ms(4000)), "attempt {attempt}");
        }
    }

    #[test]
    fn jitter_scales_the_upper_half_of_the_step() {
        let policy = RetryPolicy::default();
        let mut draws = 0;
        let mut jitter = || {
            draws += 1;
            0.5
        };
        let decision = policy.decide(&Method::GET, Outcome::Failed, 1, &mut jitter);
        assert_eq!(decision, Decision::Retry(ms(187) + Duration::from_micros(500)));
        assert_eq!(draws, 1);
        let near_one = policy.decide(&Method::GET, Outcome::Failed, 1, &mut || 0.999);
        assert!(matches!(near_one, Decision::Retry(wait) if wait > ms(249) && wait < ms(250)));
    }

    #[test]
    fn jitter_out_of_range_is_clamped() {
        let policy = RetryPolicy::default();
        let decide = |value: f64| policy.decide(&Method::GET, Outcome::Failed, 1, &mut || value);
        assert_eq!(decide(f64::NAN), Decision::Retry(ms(125)));
        assert_eq!(decide(-3.0), Decision::Retry(ms(125)));
        assert_eq!(decide(7.0), Decision::Retry(ms(250)));
    }

    #[test]
    fn server_wait_replaces_backoff() {
        let policy = RetryPolicy::default();
        let wait = headers(&[("retry-after", "3")]);
        let decision = policy.decide(&Method::GET, status(503, &wait), 1, &mut unused_jitter);
        assert_eq!(decision, Decision::Retry(Duration::from_secs(3)));
    }

    #[test]
    fn server_wait_is_honoured_for_post_rate_limits() {
        let policy = RetryPolicy::default();
        let wait = headers(&[("retry-after-ms", "1500")]);
        let decision = policy.decide(&Method::POST, status(429, &wait), 1, &mut unused_jitter);
        assert_eq!(decision, Decision::Retry(ms(1500)));
    }

    #[test]
    fn server_wait_is_ignored_on_final_statuses() {
        let policy = RetryPolicy::default();
        let wait = headers(&[("retry-after", "3")]);
        assert_eq!(decide(&policy, Method::GET, status(500, &wait), 1), Decision::Stop);
    }

    #[test]
    fn server_wait_past_the_cap_fails_fast() {
        let policy = RetryPolicy::default();
        let wait = headers(&[("retry-after", "31")]);
        let decision = decide(&policy, Method::GET, status(429, &wait), 1);
        assert_eq!(decision, Decision::RateLimited { retry_after: Duration::from_secs(31) });
    }

    #[test]
    fn server_wait_equal_to_the_cap_is_slept() {
        let policy = RetryPolicy::default();
        let wait = headers(&[("retry-after", "30")]);
        let decision = decide(&policy, Method::GET, status(429, &wait), 1);
        assert_eq!(decision, Decision::Retry(Duration::from_secs(30)));
    }

    #[test]
    fn server_wait_cap_is_configurable() {
        let policy = RetryPolicy::default().max_retry_after(ms(100));
        let wait = headers(&[("retry-after-ms", "100.5")]);
        let decision = decide(&policy, Method::GET, status(503, &wait), 1);
        assert_eq!(decision, Decision::RateLimited { retry_after: Duration::from_micros(100_500) });
    }

    #[test]
    fn server_wait_as_future_date_fails_fast_beyond_the_cap() {
        let policy = RetryPolicy::default();
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600));
        let mut wait = HeaderMap::new();
        wait.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        let decision = decide(&policy, Method::GET, status(503, &wait), 1);
        assert!(
            matches!(decision, Decision::RateLimited { retry_after } if retry_after > ms(1_800_000))
        );
    }

    fn epoch_plus(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn date_header(at: SystemTime) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(RETRY_AFTER, HeaderValue::from_str(&httpdate::fmt_http_date(at)).unwrap());
        map
    }

    #[test]
    fn retry_after_reads_delta_seconds() {
        let map = headers(&[("retry-after", "7")]);
        assert_eq!(retry_after(&map, UNIX_EPOCH), Some(Duration::from_secs(7)));
    }

    #[test]
    fn retry_after_saturates_huge_delta_seconds() {
        let map = headers(&[("retry-after", "99999999999999999999999")]);
        assert_eq!(retry_after(&map, UNIX_EPOCH), Some(Duration::from_secs(u64::MAX)));
    }

    #[test]
    fn retry_after_reads_http_date_relative_to_now() {
        let now = epoch_plus(1_700_000_000);
        let map = date_header(now + Duration::from_secs(90));
        assert_eq!(retry_after(&map, now), Some(Duration::from_secs(90)));
    }

    #[test]
    fn retry_after_reads_the_imf_fixdate_example() {
        let map = headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]);
        let now = epoch_plus(1_445_412_460);
        assert_eq!(retry_after(&map, now), Some(Duration::from_secs(20)));
    }

    #[test]
    fn retry_after_past_date_means_no_wait() {
        let now = epoch_plus(1_700_000_000);
        let map = date_header(now - Duration::from_secs(90));
        assert_eq!(retry_after(&map, now), Some(Duration::ZERO));
    }

    #[test]
    fn retry_after_reads_fractional_milliseconds() {
        let map = headers(&[("retry-after-ms", "1500.25")]);
        assert_eq!(retry_after(&map, UNIX_EPOCH), Some(Duration::from_micros(1_500_250)));
    }

    #[test]
    fn retry_after_ms_wins_over_retry_after() {
        let map = headers(&[("retry-after", "9"), ("retry-after-ms", "20")]);
        assert_eq!(retry_after(&map, UNIX_EPOCH), Some(ms(20)));
    }

    #[test]
    fn retry_after_falls_back_when_milliseconds_are_invalid() {
        let map = headers(&[("retry-after", "9"), ("retry-after-ms", "soon")]);
        assert_eq!(retry_after(&map, UNIX_EPOCH), Some(Duration::from_secs(9)));
    }

    #[test]
    fn retry_after_trims_surrounding_whitespace() {
        let map = headers(&[("retry-after", " 5 ")]);
        assert_eq!(retry_after(&map, UNIX_EPOCH), Some(Duration::from_secs(5)));
    }

    #[test]
    fn retry_after_rejects_malformed_values() {
        for value in ["", "soon", "-5", "1.5", "+5", "5s", "Wed, 21 Oct 2015"] {
            let map = headers(&[("retry-after", value)]);
            assert_eq!(retry_after(&map, UNIX_EPOCH), None, "retry-after {value:?}");
        }
        for value in ["", "NaN", "inf", "-1", "soon"] {
            let map = headers(&[("retry-after-ms", value)]);
            assert_eq!(retry_after(&map, UNIX_EPOCH), None, "retry-after-ms {value:?}");
        }
    }

    #[test]
    fn retry_after_is_none_without_headers() {
        assert_eq!(retry_after(&HeaderMap::new(), UNIX_EPOCH), None);
    }
}
