//! A cluster's leases in Redis: per account a hash `{v, leases}`; a step
//! reads it (one `HMGET`, atomic) and writes through [`WRITE_IF`], which
//! writes only if `v` is still the version read. The connection is a
//! `ConnectionManager` (multiplexed, reconnecting), opened on first use.

use redis::aio::ConnectionManager;
use redis::AsyncCommands;
use tokio::sync::OnceCell;

use super::SessionError;
use crate::core::sessions::Lease;

/// KEYS[1] the account's hash; ARGV[1] the version read ("0": none),
/// ARGV[2] the leases (JSON; "[]" deletes the key), ARGV[3] the key's TTL in
/// ms. Returns 1 if written, 0 if the version moved.
const WRITE_IF: &str = r#"
local v = redis.call('HGET', KEYS[1], 'v') or '0'
if v ~= ARGV[1] then return 0 end
if ARGV[2] == '[]' then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('HSET', KEYS[1], 'v', tostring(tonumber(v) + 1), 'leases', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"#;

pub(super) struct RedisLeases {
    client: redis::Client,
    conn: OnceCell<ConnectionManager>,
    write_if: redis::Script,
}

fn unavailable(e: impl std::fmt::Display) -> SessionError {
    SessionError::Unavailable(format!("redis: {e}"))
}

/// Longest a Redis call may take before the request is answered 503.
const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(1000);

async fn bounded<T>(
    call: impl std::future::Future<Output = redis::RedisResult<T>>,
) -> Result<T, SessionError> {
    tokio::time::timeout(CALL_TIMEOUT, call)
        .await
        .map_err(|_| SessionError::Unavailable("redis: timed out".into()))?
        .map_err(unavailable)
}

impl RedisLeases {
    pub(super) fn new(url: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("sessions.redis_url: {e}"))?;
        Ok(Self {
            client,
            conn: OnceCell::new(),
            write_if: redis::Script::new(WRITE_IF),
        })
    }

    async fn conn(&self) -> Result<ConnectionManager, SessionError> {
        self.conn
            .get_or_try_init(|| bounded(self.client.get_connection_manager()))
            .await
            .cloned()
    }

    /// The account's version and leases.
    pub(super) async fn read(&self, key: &str) -> Result<(String, Vec<Lease>), SessionError> {
        let mut conn = self.conn().await?;
        let (v, leases): (Option<String>, Option<String>) =
            bounded(conn.hget(key, &["v", "leases"])).await?;
        let leases = match leases {
            Some(json) => serde_json::from_str(&json).map_err(unavailable)?,
            None => Vec::new(),
        };
        Ok((v.unwrap_or_else(|| "0".into()), leases))
    }

    /// Writes `leases` if the version is still `version`.
    pub(super) async fn write_if(
        &self,
        key: &str,
        version: String,
        leases: &[Lease],
        ttl_ms: i64,
    ) -> Result<bool, SessionError> {
        let mut conn = self.conn().await?;
        let json = serde_json::to_string(leases).map_err(unavailable)?;
        let mut call = self.write_if.key(key);
        call.arg(version).arg(json).arg(ttl_ms);
        let written: i64 = bounded(call.invoke_async(&mut conn)).await?;
        Ok(written == 1)
    }
}
