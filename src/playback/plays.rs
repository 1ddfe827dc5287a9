//! Rental plays, the request side: a granted play of a rental that counts
//! plays or times them is pushed on a bounded queue ([`PlayRecorder::record`],
//! never waiting); the admin plane's writer ([`crate::plane::commerce::plays`]) drains
//! it into the store in batches.
//!
//! Must never: block or await on the request path.

use tokio::sync::mpsc;

/// Plays queued before new ones are dropped.
const QUEUE: usize = 65_536;

/// One granted play of a rental.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Play {
    pub tenant: Box<str>,
    pub entitlement_id: Box<str>,
    pub device_id: Box<str>,
    pub at: i64,
}

/// The hot path's side of the queue. Cheap to clone.
#[derive(Debug, Clone)]
pub struct PlayRecorder {
    tx: mpsc::Sender<Play>,
}

impl PlayRecorder {
    /// A recorder and the queue's other end, for the writer.
    pub fn channel() -> (PlayRecorder, mpsc::Receiver<Play>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        (PlayRecorder { tx }, rx)
    }

    /// Queues a play; never waits. A full queue drops it (logged).
    pub fn record(&self, play: Play) {
        if let Err(e) = self.tx.try_send(play) {
            let play = match e {
                mpsc::error::TrySendError::Full(p) | mpsc::error::TrySendError::Closed(p) => p,
            };
            tracing::warn!(
                tenant = %play.tenant,
                entitlement = %play.entitlement_id,
                "rental play dropped: the play queue is full or closed"
            );
        }
    }
}
