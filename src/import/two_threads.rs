//! An import on two threads (issue 16): one reads, decodes and validates the file (`produce`,
//! given the sending end of a bounded channel), the caller's, which holds the connection and its
//! write transaction, writes what arrives (`consume`). The channel is bounded, so memory stays
//! flat whatever the file's size, and the writer works while the next rows are validated.
//!
//! The household import (`households/pipeline.rs`) adds questions and answers on top; the
//! indicator import sends values only.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use anyhow::Result;

/// The writer stopped (its error is the one reported): what a send to it returns then.
#[derive(Debug)]
pub(crate) struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("写入已中止 (writer stopped)")
    }
}

impl std::error::Error for Stopped {}

/// Run `produce` on a thread of its own and `consume` on this one, joined by a channel holding
/// at most `queue` messages. `consume` returning (an error, or the channel's end) drops its end,
/// so a producer that is still sending gets `Stopped`. A database error of `consume` is returned
/// before anything `produce` says; otherwise `produce`'s result. A panic of either is resumed
/// here.
pub(crate) fn run<J: Send, T: Send>(
    queue: usize,
    produce: impl FnOnce(SyncSender<J>) -> Result<T> + Send,
    consume: impl FnOnce(Receiver<J>) -> Result<()>,
) -> Result<T> {
    let (jobs, jobs_rx) = sync_channel(queue);
    std::thread::scope(|scope| {
        let producing = scope.spawn(move || produce(jobs));
        let consumed = consume(jobs_rx);
        let produced = match producing.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        consumed?;
        produced
    })
}

/// Send `message`, or `Stopped` when the consumer is gone.
pub(crate) fn send<J>(to: &SyncSender<J>, message: J) -> Result<()> {
    to.send(message).map_err(|_| Stopped.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_consumer_gets_everything_in_order_and_the_producer_result_comes_back() {
        let mut got = Vec::new();
        let r = run(
            2,
            |tx| {
                for i in 0..100 {
                    send(&tx, i)?;
                }
                Ok("done")
            },
            |rx| {
                got.extend(rx);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(r, "done");
        assert_eq!(got, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn a_consumer_error_stops_the_producer_and_is_the_one_returned() {
        let r: Result<()> = run(
            1,
            |tx| loop {
                send(&tx, 1)?;
            },
            |rx| {
                let _ = rx.recv();
                Err(anyhow::anyhow!("disk full"))
            },
        );
        assert_eq!(r.unwrap_err().to_string(), "disk full");
    }
}
