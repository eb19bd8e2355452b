//! A Disconnect-Request or CoA-Request read: which session (RFC 5176
//! section 3, the session identification attributes), what to change
//! (section 3.2), and whether it must be NAK'ed as it stands (section
//! 3.5's Error-Causes).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use super::DaeConfig;
use crate::packet::Packet;
use crate::values::{ErrorCause, ServiceType};
use crate::AttributeType;

/// Disconnect or CoA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaeKind {
    /// Disconnect-Request (section 2.1): end the session.
    Disconnect,
    /// CoA-Request (section 2.2): change the session's authorizations.
    Coa,
}

/// The session identification attributes a request gave; a session
/// matches when it matches every one given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionSelector {
    /// Acct-Session-Id.
    pub acct_session_id: Option<String>,
    /// Acct-Multi-Session-Id.
    pub acct_multi_session_id: Option<String>,
    /// User-Name.
    pub user_name: Option<Vec<u8>>,
    /// Framed-IP-Address.
    pub framed_ip_address: Option<Ipv4Addr>,
    /// NAS-Port.
    pub nas_port: Option<u32>,
    /// Calling-Station-Id.
    pub calling_station_id: Option<Vec<u8>>,
    /// Called-Station-Id.
    pub called_station_id: Option<Vec<u8>>,
}

/// What a session is known by, to match a [`SessionSelector`] against.
#[derive(Debug, Clone, Copy, Default)]
pub struct SessionIdentity<'a> {
    /// Its Acct-Session-Id.
    pub acct_session_id: &'a str,
    /// Its Acct-Multi-Session-Id, if it has one.
    pub acct_multi_session_id: Option<&'a str>,
    /// The name it authenticated with.
    pub user_name: &'a [u8],
    /// The peer's address, once IPCP gave it one.
    pub framed_ip_address: Option<Ipv4Addr>,
    /// Its NAS-Port, once it has one.
    pub nas_port: Option<u32>,
    /// Its Calling-Station-Id and Called-Station-Id.
    pub calling_station_id: Option<&'a [u8]>,
    /// Called-Station-Id.
    pub called_station_id: Option<&'a [u8]>,
}

impl SessionSelector {
    /// Whether it selects nothing at all.
    pub fn is_empty(&self) -> bool {
        *self == SessionSelector::default()
    }

    /// Whether `session` matches every attribute given.
    pub fn matches(&self, session: &SessionIdentity<'_>) -> bool {
        fn eq<T: PartialEq + ?Sized>(want: Option<&T>, have: Option<&T>) -> bool {
            want.is_none_or(|w| have == Some(w))
        }
        eq(
            self.acct_session_id.as_deref(),
            Some(session.acct_session_id),
        ) && eq(
            self.acct_multi_session_id.as_deref(),
            session.acct_multi_session_id,
        ) && eq(self.user_name.as_deref(), Some(session.user_name))
            && eq(
                self.framed_ip_address.as_ref(),
                session.framed_ip_address.as_ref(),
            )
            && eq(self.nas_port.as_ref(), session.nas_port.as_ref())
            && eq(
                self.calling_station_id.as_deref(),
                session.calling_station_id,
            )
            && eq(self.called_station_id.as_deref(), session.called_station_id)
    }
}

/// What a CoA-Request changes, of what rppp applies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CoaChanges {
    /// Session-Timeout (RFC 2865 section 5.27).
    pub session_timeout: Option<Duration>,
    /// Idle-Timeout (RFC 2865 section 5.28).
    pub idle_timeout: Option<Duration>,
}

/// A request read; see the module.
#[derive(Debug, Clone)]
pub struct DaeRequest {
    /// Disconnect or CoA.
    pub kind: DaeKind,
    /// Where it came from, and where the answer goes.
    pub from: SocketAddr,
    pub(super) identifier: u8,
    pub(super) authenticator: [u8; 16],
    /// Which session.
    pub selector: SessionSelector,
    /// For a CoA-Request, what to change.
    pub changes: CoaChanges,
    /// The NAK the request gets as it stands, before any session is
    /// looked for: an attribute rppp cannot apply (401, with the first
    /// such attribute in `unsupported`), no session attribute (402),
    /// another NAS's identification (403), a value that cannot be read
    /// (407), Service-Type Authorize-Only (405: rppp does not
    /// re-authorize).
    pub refused: Option<ErrorCause>,
    /// The attribute that made it 401.
    pub unsupported: Option<AttributeType>,
    pub(super) proxy_states: Vec<Vec<u8>>,
}

impl DaeRequest {
    pub(super) fn read(
        kind: DaeKind,
        from: SocketAddr,
        packet: &Packet<'_>,
        config: &DaeConfig,
    ) -> DaeRequest {
        let mut r = DaeRequest {
            kind,
            from,
            identifier: packet.identifier(),
            authenticator: packet.authenticator(),
            selector: SessionSelector::default(),
            changes: CoaChanges::default(),
            refused: None,
            unsupported: None,
            proxy_states: Vec::new(),
        };
        for a in packet.attributes() {
            let t = a.attribute_type();
            let text = || a.as_text().map(str::to_string);
            let read = match t {
                AttributeType::AcctSessionId => {
                    text().map(|v| r.selector.acct_session_id = Some(v))
                }
                AttributeType::AcctMultiSessionId => {
                    text().map(|v| r.selector.acct_multi_session_id = Some(v))
                }
                AttributeType::UserName => {
                    r.selector.user_name = Some(a.value().to_vec());
                    Ok(())
                }
                AttributeType::FramedIpAddress => {
                    a.as_ipv4().map(|v| r.selector.framed_ip_address = Some(v))
                }
                AttributeType::NasPort => a.as_u32().map(|v| r.selector.nas_port = Some(v)),
                AttributeType::CallingStationId => {
                    r.selector.calling_station_id = Some(a.value().to_vec());
                    Ok(())
                }
                AttributeType::CalledStationId => {
                    r.selector.called_station_id = Some(a.value().to_vec());
                    Ok(())
                }
                AttributeType::NasIdentifier => text().map(|v| {
                    if config
                        .nas_identifier
                        .as_ref()
                        .is_some_and(|ours| *ours != v)
                    {
                        refuse(&mut r, ErrorCause::NasIdentificationMismatch);
                    }
                }),
                AttributeType::NasIpAddress => a.as_ipv4().map(|v| {
                    if config.nas_ip_address.is_some_and(|ours| ours != v) {
                        refuse(&mut r, ErrorCause::NasIdentificationMismatch);
                    }
                }),
                AttributeType::SessionTimeout if kind == DaeKind::Coa => a
                    .as_u32()
                    .map(|v| r.changes.session_timeout = Some(seconds(v))),
                AttributeType::IdleTimeout if kind == DaeKind::Coa => a
                    .as_u32()
                    .map(|v| r.changes.idle_timeout = Some(seconds(v))),
                AttributeType::ServiceType => a.as_u32().map(|v| {
                    if ServiceType::from(v) == ServiceType::AuthorizeOnly {
                        refuse(&mut r, ErrorCause::UnsupportedService);
                    }
                }),
                // Checked already, or informational.
                AttributeType::MessageAuthenticator
                | AttributeType::EventTimestamp
                | AttributeType::ErrorCause => Ok(()),
                // Echoed in the answer, in order (RFC 2865 section 5.33).
                AttributeType::ProxyState => {
                    r.proxy_states.push(a.value().to_vec());
                    Ok(())
                }
                other => {
                    r.unsupported.get_or_insert(other);
                    refuse(&mut r, ErrorCause::UnsupportedAttribute);
                    Ok(())
                }
            };
            if read.is_err() {
                refuse(&mut r, ErrorCause::InvalidAttributeValue);
            }
        }
        if r.selector.is_empty() {
            refuse(&mut r, ErrorCause::MissingAttribute);
        }
        if kind == DaeKind::Coa && r.changes == CoaChanges::default() {
            // A CoA that changes nothing rppp applies.
            refuse(&mut r, ErrorCause::MissingAttribute);
        }
        r
    }
}

/// The first reason to refuse wins.
fn refuse(r: &mut DaeRequest, cause: ErrorCause) {
    r.refused.get_or_insert(cause);
}

fn seconds(v: u32) -> Duration {
    Duration::from_secs(u64::from(v))
}
