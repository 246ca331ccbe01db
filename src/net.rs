//! The one network client apicat has, for `apicat update`: blocking (ureq with rustls, no async
//! runtime), with timeouts, retries and limits.
//!
//! - Connect, response and per-read timeouts: `APICAT_HTTP_TIMEOUT` seconds (default 20).
//! - A page is given up after `APICAT_HTTP_BUDGET` seconds (default 60), retries included, so a
//!   stalled server never holds a run longer.
//! - 429 and 5xx are retried (4 retries), after `Retry-After` when the server gives it, in
//!   seconds or as an HTTP date (capped by what is left of the budget), else after 1, 2, 4, 8 s.
//! - `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` are honoured (ureq reads them);
//!   gzip responses are accepted; the User-Agent is `apicat/VERSION`.

use std::time::{Duration, Instant, SystemTime};

use ureq::Agent;

/// Why a page could not be fetched.
#[derive(Debug)]
pub enum FetchError {
    /// No answer: DNS, connection, TLS, timeout.
    Unreachable(String),
    /// An HTTP status that is not success, after retries.
    Status(u16),
    /// The body is larger than allowed.
    TooLarge(u64),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Unreachable(why) => write!(f, "{why}"),
            FetchError::Status(code) => write!(f, "the server answered HTTP {code}"),
            FetchError::TooLarge(n) => write!(f, "the response is larger than {n} bytes"),
        }
    }
}

pub struct Client {
    agent: Agent,
    budget: Duration,
    retries: u32,
}

fn seconds_from_env(var: &str, default: f64) -> Duration {
    let secs = std::env::var(var)
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(default);
    Duration::from_secs_f64(secs.min(3600.0))
}

impl Client {
    pub fn from_env() -> Client {
        let timeout = seconds_from_env("APICAT_HTTP_TIMEOUT", 20.0);
        let agent: Agent = Agent::config_builder()
            .timeout_connect(Some(timeout))
            .timeout_recv_response(Some(timeout))
            .timeout_per_read(Some(timeout))
            .user_agent(concat!("apicat/", env!("CARGO_PKG_VERSION")))
            .http_status_as_error(false)
            .max_redirects(5)
            .build()
            .into();
        Client {
            agent,
            budget: seconds_from_env("APICAT_HTTP_BUDGET", 60.0),
            retries: 4,
        }
    }

    /// The body of a GET, at most `max_bytes` long; 429 and 5xx retried within the budget.
    /// `waiting` is told of each wait before a retry.
    pub fn get(
        &self,
        url: &str,
        max_bytes: u64,
        mut waiting: impl FnMut(&str),
    ) -> Result<Vec<u8>, FetchError> {
        let deadline = Instant::now() + self.budget;
        let mut attempt = 0;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(FetchError::Unreachable(format!(
                    "no answer within {} s",
                    self.budget.as_secs()
                )));
            }
            let result = self
                .agent
                .get(url)
                .header("Accept", "application/json")
                .config()
                .timeout_global(Some(left))
                .build()
                .call();
            let retry_after = match result {
                Err(e) => return Err(FetchError::Unreachable(describe(&e, self.budget))),
                Ok(mut resp) => {
                    let status = resp.status().as_u16();
                    if resp.status().is_success() {
                        return resp
                            .body_mut()
                            .with_config()
                            .limit(max_bytes)
                            .read_to_vec()
                            .map_err(|e| match e {
                                ureq::Error::BodyExceedsLimit(n) => FetchError::TooLarge(n),
                                e => FetchError::Unreachable(describe(&e, self.budget)),
                            });
                    }
                    if !(status == 429 || (500..600).contains(&status)) || attempt >= self.retries {
                        return Err(FetchError::Status(status));
                    }
                    resp.headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| retry_after(v, SystemTime::now()))
                }
            };
            let wait = retry_after.unwrap_or(Duration::from_secs(1 << attempt));
            let left = deadline.saturating_duration_since(Instant::now());
            if wait >= left {
                return Err(FetchError::Unreachable(format!(
                    "the server asked to wait {} s, beyond the {} s allowed",
                    wait.as_secs(),
                    self.budget.as_secs()
                )));
            }
            waiting(&format!("busy; retrying in {} s", wait.as_secs()));
            std::thread::sleep(wait);
            attempt += 1;
        }
    }
}

/// How long a `Retry-After` value asks to wait: seconds, or an HTTP date (a date already
/// past asks for no wait).
fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn describe(e: &ureq::Error, budget: Duration) -> String {
    match e {
        ureq::Error::Timeout(_) => format!(
            "no answer in time (timeout; {} s at most per page)",
            budget.as_secs()
        ),
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        ureq::Error::Io(io) => io.to_string(),
        e => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        // Sun, 06 Nov 1994 08:49:37 GMT
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        for date in [
            "Sun, 06 Nov 1994 08:49:47 GMT",
            "Sunday, 06-Nov-94 08:49:47 GMT",
            "Sun Nov  6 08:49:47 1994",
        ] {
            assert_eq!(
                retry_after(date, now),
                Some(Duration::from_secs(10)),
                "{date}"
            );
        }
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-3", now), None);
    }
}
