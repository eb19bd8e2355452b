//! What the service counts, for metrics and tests.

use rppp_radius::client::Counters;

/// A snapshot of the service's counters since it was spawned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServiceCounters {
    /// The client engine's: requests, retransmissions, failovers, replies,
    /// and datagrams dropped by reason (forged or late replies).
    pub client: Counters,
    /// Access-Requests answered with Access-Accept.
    pub access_accepts: u64,
    /// Access-Requests answered with anything else (Reject, Challenge).
    pub access_rejects: u64,
    /// Access-Requests no server answered.
    pub access_unanswered: u64,
    /// Accounting records handed to the service.
    pub accounting_records: u64,
    /// Accounting records a server acknowledged (Accounting-Response).
    pub accounting_acknowledged: u64,
    /// Times no accounting server answered a record and it was held.
    pub accounting_held: u64,
    /// Accounting records waiting now for a server to answer again.
    pub accounting_queued: u64,
    /// Accounting records dropped: the queue was full, the request could
    /// not be written, the command channel was full, or the service
    /// stopped with records held.
    pub accounting_dropped: u64,
    /// Datagrams the socket would not send (each is retried by the
    /// engine's timer like a lost one).
    pub send_errors: u64,
}
