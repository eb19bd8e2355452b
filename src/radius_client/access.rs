//! The Access-Request for an authenticator's deferred verification
//! ([`rppp_auth::VerifyRequest`]) and the [`Verdict`] its answer gives.
//!
//! - PAP: User-Password (RFC 2865 section 5.2), hidden per server by the
//!   client engine.
//! - CHAP-MD5: CHAP-Password and CHAP-Challenge (RFC 2865 sections 5.3
//!   and 5.40).
//! - MS-CHAP: MS-CHAP-Challenge and MS-CHAP-Response (RFC 2548 sections
//!   2.3.2 and 2.1.3).
//! - MS-CHAPv2: MS-CHAP-Challenge and MS-CHAP2-Response (RFC 2548
//!   sections 2.3.2 and 2.3.3).
//!
//! Every request carries User-Name, Service-Type Framed, Framed-Protocol
//! PPP, NAS-Port-Type Virtual (an L2TP LNS, RFC 2865 section 5.41) and the
//! NAS's own attributes from [`NasContext`].

use core::fmt;
use std::net::Ipv4Addr;

use rppp_auth::secrets::AddressRule;
use rppp_auth::{AllowedAddresses, Credentials, Verdict, VerifyRequest};
use rppp_radius::client::Request;
use rppp_radius::{
    AttributeType, Code, FramedProtocol, MicrosoftType, NasPortType, Packet, Password, ServiceType,
    VENDOR_MICROSOFT,
};

use super::reply::{FramedIp, ReplyAttributes};
use super::tunnel::TunnelContext;
use super::RadiusError;

/// The NAS-Identifier written when a [`NasContext`] names neither an
/// address nor an identifier: RFC 2865 section 4.1 requires one of
/// NAS-IP-Address and NAS-Identifier in every Access-Request.
pub const DEFAULT_NAS_IDENTIFIER: &str = "rppp";

/// Who is asking, and about which port: the NAS attributes of RFC 2865
/// sections 5.4, 5.5, 5.30, 5.31 and 5.32, shared by access and
/// accounting requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NasContext {
    /// NAS-IP-Address (section 5.4).
    pub nas_ip_address: Option<Ipv4Addr>,
    /// NAS-Identifier (section 5.32); radiusclient.conf's
    /// `nas_identifier`.
    pub nas_identifier: Option<String>,
    /// NAS-Port (section 5.5): for an LNS, the session (or ppp unit).
    pub nas_port: Option<u32>,
    /// Calling-Station-Id (section 5.31): for L2TP, the LAC's address.
    pub calling_station_id: Option<String>,
    /// Called-Station-Id (section 5.30): for L2TP, our address.
    pub called_station_id: Option<String>,
    /// The L2TP tunnel's attributes (RFC 2868 section 3, RFC 2867
    /// section 4.1), when the session's tunnel is known.
    pub tunnel: Option<TunnelContext>,
}

impl NasContext {
    /// Adds the NAS attributes and NAS-Port-Type Virtual to a request.
    pub(crate) fn write(&self, r: &mut Request) {
        if let Some(a) = self.nas_ip_address {
            r.add_ipv4(AttributeType::NasIpAddress, a);
        }
        match (&self.nas_identifier, self.nas_ip_address) {
            (Some(id), _) if !id.is_empty() => {
                r.add_text(AttributeType::NasIdentifier, id);
            }
            (_, None) => {
                r.add_text(AttributeType::NasIdentifier, DEFAULT_NAS_IDENTIFIER);
            }
            _ => {}
        }
        if let Some(p) = self.nas_port {
            r.add_u32(AttributeType::NasPort, p);
        }
        r.add_u32(AttributeType::NasPortType, NasPortType::Virtual.into());
        if let Some(s) = &self.calling_station_id {
            r.add_text(AttributeType::CallingStationId, s);
        }
        if let Some(s) = &self.called_station_id {
            r.add_text(AttributeType::CalledStationId, s);
        }
        if let Some(t) = &self.tunnel {
            t.write(r);
        }
    }
}

/// Why a verification cannot become an Access-Request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AccessBuildError {
    /// Credentials of a kind this module does not know.
    UnsupportedCredentials,
}

impl fmt::Display for AccessBuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("credentials of a kind RADIUS is not asked about")
    }
}

impl std::error::Error for AccessBuildError {}

/// The Access-Request for a verification.
pub fn access_request(v: &VerifyRequest, nas: &NasContext) -> Result<Request, AccessBuildError> {
    let mut r = Request::new(Code::AccessRequest);
    r.add(AttributeType::UserName, v.name.clone());
    match &v.credentials {
        Credentials::Pap { password } => {
            r.user_password(Password::new(password.expose()));
        }
        Credentials::ChapMd5 {
            identifier,
            challenge,
            response,
        } => {
            r.chap(*identifier, response, challenge);
        }
        Credentials::MsChap {
            identifier,
            challenge,
            lm_response,
            nt_response,
            flags,
        } => {
            // RFC 2548 section 2.1.3: Ident, Flags, LM-Response, NT-Response.
            let mut resp = vec![*identifier, *flags];
            resp.extend_from_slice(lm_response);
            resp.extend_from_slice(nt_response);
            r.add_vendor(
                VENDOR_MICROSOFT,
                MicrosoftType::MsChapChallenge.into(),
                challenge,
            )
            .add_vendor(
                VENDOR_MICROSOFT,
                MicrosoftType::MsChapResponse.into(),
                &resp,
            );
        }
        Credentials::MsChapV2 {
            identifier,
            authenticator_challenge,
            peer_challenge,
            nt_response,
            flags,
        } => {
            // RFC 2548 section 2.3.2: Ident, Flags, Peer-Challenge,
            // Reserved (8 zero octets), Response.
            let mut resp = vec![*identifier, *flags];
            resp.extend_from_slice(peer_challenge);
            resp.extend_from_slice(&[0; 8]);
            resp.extend_from_slice(nt_response);
            r.add_vendor(
                VENDOR_MICROSOFT,
                MicrosoftType::MsChapChallenge.into(),
                authenticator_challenge,
            )
            .add_vendor(
                VENDOR_MICROSOFT,
                MicrosoftType::MsChap2Response.into(),
                &resp,
            );
        }
        _ => return Err(AccessBuildError::UnsupportedCredentials),
    }
    r.add_u32(AttributeType::ServiceType, ServiceType::Framed.into())
        .add_u32(AttributeType::FramedProtocol, FramedProtocol::Ppp.into());
    nas.write(&mut r);
    Ok(r)
}

/// The outcome of an Access-Request: the authenticator's verdict and, on
/// Access-Accept, what the session should apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// For [`rppp_auth::Auth::verdict`](rppp_auth::Auth).
    pub verdict: Verdict,
    /// The Access-Accept's attributes (empty otherwise).
    pub attributes: ReplyAttributes,
}

/// The String of an MS-CHAP sub-attribute after its Ident octet, when the
/// Ident is the exchange's (RFC 2548 sections 2.1.5 and 2.3.3).
fn after_ident(packet: &Packet<'_>, t: MicrosoftType, ident: Option<u8>) -> Option<Vec<u8>> {
    let (first, rest) = packet.microsoft(t)?.split_first()?;
    (ident.is_none_or(|i| i == *first)).then(|| rest.to_vec())
}

/// The peer may have `address` and no other: the server chose it.
pub(crate) fn only(address: Ipv4Addr) -> AllowedAddresses {
    AllowedAddresses::from_rules(vec![AddressRule::Subnet {
        permit: true,
        address,
        prefix: 32,
    }])
}

/// The verdict for a verification, from the client's answer: Access-Accept
/// is [`Verdict::Accept`], Access-Reject (and Access-Challenge, which PPP
/// cannot carry on) [`Verdict::Reject`], no answer [`Verdict::Unavailable`].
pub fn authorization(
    v: &VerifyRequest,
    answer: Result<&rppp_radius::client::Reply, &RadiusError>,
) -> Authorization {
    let unavailable = Authorization {
        verdict: Verdict::Unavailable,
        attributes: ReplyAttributes::default(),
    };
    let Ok(reply) = answer else {
        return unavailable;
    };
    let Some(packet) = reply.packet() else {
        return unavailable;
    };
    let ident = v.credentials.identifier();
    let mschap = matches!(
        v.credentials,
        Credentials::MsChap { .. } | Credentials::MsChapV2 { .. }
    );
    let attributes = ReplyAttributes::from_packet(&packet);
    let message = attributes.reply_message.clone().map(String::into_bytes);
    match packet.code() {
        Code::AccessAccept => {
            let mschapv2_success = match v.credentials {
                Credentials::MsChapV2 { .. } => {
                    after_ident(&packet, MicrosoftType::MsChap2Success, ident)
                }
                _ => None,
            };
            let addresses = match attributes.framed_ip {
                Some(FramedIp::Address(address)) => only(address),
                Some(FramedIp::NasAssigns | FramedIp::PeerChooses) | None => {
                    AllowedAddresses::any()
                }
            };
            Authorization {
                verdict: Verdict::Accept {
                    message,
                    mschapv2_success,
                    addresses,
                },
                attributes,
            }
        }
        _ => {
            let error = mschap
                .then(|| after_ident(&packet, MicrosoftType::MsChapError, ident))
                .flatten();
            Authorization {
                verdict: Verdict::Reject {
                    message: error.or(message),
                },
                attributes: ReplyAttributes::default(),
            }
        }
    }
}

#[cfg(test)]
#[path = "access_tests.rs"]
mod tests;
