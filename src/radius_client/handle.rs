//! [`RadiusHandle`]: the cloneable side of a
//! [`RadiusService`](super::RadiusService), talking to its task over a
//! bounded channel.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rppp_auth::VerifyRequest;
use rppp_radius::client::{Reply, Request};
use tokio::sync::{mpsc, oneshot, watch};

use super::access::{access_request, authorization, Authorization, NasContext};
use super::accounting::AccountingRecord;
use super::{RadiusError, ServiceCounters};

/// Commands a handle may queue before `account` drops records.
pub(crate) const CHANNEL: usize = 1024;

pub(crate) enum Command {
    Access {
        request: Request,
        reply: oneshot::Sender<Result<Reply, RadiusError>>,
    },
    Account(Request),
    Shutdown {
        grace: Duration,
    },
}

/// A cloneable way to send requests to a
/// [`RadiusService`](super::RadiusService).
#[derive(Clone)]
pub struct RadiusHandle {
    pub(crate) tx: mpsc::Sender<Command>,
    pub(crate) counters: watch::Receiver<ServiceCounters>,
    pub(crate) dropped: Arc<AtomicU64>,
}

impl core::fmt::Debug for RadiusHandle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RadiusHandle").finish_non_exhaustive()
    }
}

impl RadiusHandle {
    /// Sends an Access-Request and waits for the verified reply, failing
    /// over between servers as configured.
    pub async fn access(&self, request: Request) -> Result<Reply, RadiusError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Command::Access { request, reply })
            .await
            .map_err(|_| RadiusError::ShutDown)?;
        rx.await.unwrap_or(Err(RadiusError::ShutDown))
    }

    /// Asks about an authenticator's pending verification and maps the
    /// answer to its verdict (see [`authorization`]); credentials of a
    /// kind this module does not know are [`Verdict::Unavailable`](rppp_auth::Verdict::Unavailable).
    pub async fn verify(&self, v: &VerifyRequest, nas: &NasContext) -> Authorization {
        match access_request(v, nas) {
            Ok(r) => authorization(v, self.access(r).await.as_ref()),
            Err(_) => Authorization {
                verdict: rppp_auth::Verdict::Unavailable,
                attributes: Default::default(),
            },
        }
    }

    /// Queues an Accounting-Request and returns at once; what becomes of
    /// it is counted ([`ServiceCounters`]).
    pub fn account(&self, request: Request) {
        if self.tx.try_send(Command::Account(request)).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Queues an accounting record (see [`RadiusHandle::account`]).
    pub fn account_record(&self, record: &AccountingRecord) {
        self.account(record.to_request());
    }

    /// The counters now.
    pub fn counters(&self) -> ServiceCounters {
        let mut c = *self.counters.borrow();
        c.accounting_dropped += self.dropped.load(Ordering::Relaxed);
        c
    }
}
