//! Live pages: PostgreSQL `LISTEN/NOTIFY` fanned out to the server-sent-event streams of this instance.
//!
//! Triggers (migration 0013) notify `report_live` with a report's id when it changes or gets a comment, and with
//! `*` after a bulk load. Every instance listens, so a change made through one instance reaches the pages open on
//! all of them. The payload is an id only: each page asks for what its viewer may see.
//!
//! The same connection listens to `map_cells` (migration 0014): the map cells a write changed, whose cached
//! tiles this instance drops (`map::Cache`), and to `site`: the municipality's identity changed (`site::Cache`).

use std::time::Duration;

use shared::ReportId;
use tokio::sync::{broadcast, watch};

use crate::State;

/// The channel the triggers notify.
pub const CHANNEL: &str = "report_live";

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveEvent {
    Report(ReportId),
    /// Many reports at once: reload whatever is shown.
    Everything,
}

impl LiveEvent {
    fn parse(payload: &str) -> Option<Self> {
        if payload == "*" {
            return Some(Self::Everything);
        }
        payload.parse().ok().map(|id| Self::Report(ReportId(id)))
    }
}

/// The broadcast side every stream subscribes to. Slow streams lose old events (a page then reloads what it
/// shows), never block the listener.
pub fn channel() -> broadcast::Sender<LiveEvent> {
    broadcast::channel(1024).0
}

/// Listens until `stop`, reconnecting by itself (a restarted database, a dropped connection). A reconnection
/// may have missed events: it sends `Everything` so that open pages catch up.
pub async fn run(state: State, mut stop: watch::Receiver<bool>) {
    let mut first = true;
    loop {
        let mut listener = match sqlx::postgres::PgListener::connect_with(&state.pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::debug!(error = %e, "live listener: cannot connect; retrying");
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(2)) => continue,
                    _ = stop.changed() => return,
                }
            }
        };
        if let Err(e) = listener
            .listen_all([CHANNEL, crate::map::CHANNEL, crate::site::CHANNEL])
            .await
        {
            tracing::debug!(error = %e, "live listener: cannot listen; retrying");
            continue;
        }
        state.live_listening.send_replace(true);
        if !first {
            state.map_cache.clear();
            state.site.clear();
            let _ = state.live.send(LiveEvent::Everything);
        }
        first = false;
        loop {
            tokio::select! {
                n = listener.recv() => match n {
                    Ok(n) if n.channel() == crate::map::CHANNEL => state.map_cache.apply_notification(n.payload()),
                    Ok(n) if n.channel() == crate::site::CHANNEL => state.site.clear(),
                    Ok(n) => {
                        if let Some(e) = LiveEvent::parse(n.payload()) {
                            // No subscribers is not an error.
                            let _ = state.live.send(e);
                        }
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "live listener: connection lost; reconnecting");
                        state.live_listening.send_replace(false);
                        break;
                    }
                },
                _ = stop.changed() => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_ids_or_everything() {
        assert_eq!(LiveEvent::parse("42"), Some(LiveEvent::Report(ReportId(42))));
        assert_eq!(LiveEvent::parse("*"), Some(LiveEvent::Everything));
        assert_eq!(LiveEvent::parse("drop table"), None);
    }
}
