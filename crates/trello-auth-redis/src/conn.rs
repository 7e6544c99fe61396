//! [`Redis`]: the connections of one budget and its script calls, each bounded by the timeout.
//! Async callers share one reconnecting multiplexed connection (made on first use, inside
//! their runtime); blocking callers take a connection from a small pool and give it back
//! after a clean answer (a connection that failed or timed out is dropped: its next answer
//! could be the late one).

use std::sync::Mutex;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{FromRedisValue, Script};
use tokio::sync::OnceCell;

/// How many idle blocking connections are kept.
const POOL: usize = 16;

/// One Redis, as a budget talks to it.
pub(crate) struct Redis {
    client: redis::Client,
    timeout: Duration,
    shared: OnceCell<ConnectionManager>,
    idle: Mutex<Vec<redis::Connection>>,
}

/// One script call: the script, its `KEYS` and its `ARGV`.
pub(crate) struct Eval<'a> {
    pub(crate) script: &'a Script,
    pub(crate) keys: Vec<String>,
    pub(crate) args: Vec<String>,
}

impl Eval<'_> {
    fn invocation(&self) -> redis::ScriptInvocation<'_> {
        let mut call = self.script.prepare_invoke();
        for key in &self.keys {
            call.key(key);
        }
        for arg in &self.args {
            call.arg(arg);
        }
        call
    }
}

impl Redis {
    pub(crate) fn new(client: redis::Client, timeout: Duration) -> Self {
        Self {
            client,
            timeout,
            shared: OnceCell::new(),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `eval` (`EVALSHA`, loading the script after a `NOSCRIPT`) on the shared async
    /// connection, within the timeout.
    pub(crate) async fn eval<T: FromRedisValue>(&self, eval: &Eval<'_>) -> Result<T, String> {
        let work = async {
            let connection = self
                .shared
                .get_or_try_init(|| async {
                    let config = ConnectionManagerConfig::new()
                        .set_connection_timeout(Some(self.timeout))
                        .set_response_timeout(Some(self.timeout))
                        .set_number_of_retries(1)
                        .set_max_delay(self.timeout);
                    ConnectionManager::new_with_config(self.client.clone(), config).await
                })
                .await?;
            match eval
                .invocation()
                .invoke_async(&mut connection.clone())
                .await
            {
                // The connection broke since the last call (Redis restarted): the manager
                // reconnects, and the call is tried once more.
                Err(error) if stale(&error) => {
                    eval.invocation()
                        .invoke_async(&mut connection.clone())
                        .await
                }
                answer => answer,
            }
        };
        match tokio::time::timeout(self.timeout, work).await {
            Ok(answer) => answer.map_err(reason),
            Err(_) => Err(self.late()),
        }
    }

    /// [`eval`](Self::eval) on a pooled blocking connection.
    pub(crate) fn eval_blocking<T: FromRedisValue>(&self, eval: &Eval<'_>) -> Result<T, String> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let answer = match idle {
            Some(mut connection) => match eval.invocation().invoke(&mut connection) {
                // An idle connection that broke since (Redis restarted): once more, afresh.
                Err(error) if stale(&error) => self.eval_fresh(eval),
                answer => answer.map(|value| (value, connection)),
            },
            None => self.eval_fresh(eval),
        };
        match answer {
            Ok((value, connection)) => {
                let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
                if idle.len() < POOL {
                    idle.push(connection);
                }
                Ok(value)
            }
            Err(error) if error.is_timeout() => Err(self.late()),
            Err(error) => Err(reason(error)),
        }
    }

    fn eval_fresh<T: FromRedisValue>(
        &self,
        eval: &Eval<'_>,
    ) -> redis::RedisResult<(T, redis::Connection)> {
        let mut connection = self.connect()?;
        let value = eval.invocation().invoke(&mut connection)?;
        Ok((value, connection))
    }

    fn connect(&self) -> redis::RedisResult<redis::Connection> {
        let connection = self.client.get_connection_with_timeout(self.timeout)?;
        connection.set_read_timeout(Some(self.timeout))?;
        connection.set_write_timeout(Some(self.timeout))?;
        Ok(connection)
    }

    fn late(&self) -> String {
        format!(
            "Redis did not answer within {} ms",
            self.timeout.as_millis()
        )
    }
}

/// Whether `error` says the connection was already broken (not slow, not refused).
fn stale(error: &redis::RedisError) -> bool {
    !error.is_timeout() && (error.is_connection_dropped() || error.is_io_error())
}

/// What a Redis error says, without the URL (it may carry a password; Redis errors do not
/// include it, and this says so by construction).
fn reason(error: redis::RedisError) -> String {
    if error.is_timeout() {
        "Redis did not answer in time".to_owned()
    } else if error.is_connection_refusal() {
        "Redis refused the connection (is redis-server running?)".to_owned()
    } else if error.is_connection_dropped() || error.is_io_error() {
        format!("the connection to Redis failed ({error})")
    } else {
        format!("Redis answered with an error ({error})")
    }
}
