//! A request as the caller describes it, before it has an Identifier, an
//! authenticator or a server: the engine writes it for each server with
//! that server's secret.

use std::net::Ipv4Addr;

use crate::attr::AttributeType;
use crate::builder::{BuildError, PacketBuilder};
use crate::code::Code;
use crate::secret::{Password, SharedSecret};
use crate::vendor::encode_vendor_attribute;

/// Which server list a request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// Authentication servers (Access-Request, Status-Server).
    Authentication,
    /// Accounting servers (Accounting-Request).
    Accounting,
}

/// A request to send. Do not add Message-Authenticator, User-Password or
/// Acct-Delay-Time as plain attributes: the engine writes them.
///
/// Its `Debug` shows attribute types and lengths only: CHAP-Password and
/// the MS-CHAP responses are as sensitive as the password.
#[derive(Clone)]
pub struct Request {
    code: Code,
    attributes: Vec<(AttributeType, Vec<u8>)>,
    password: Option<Password>,
}

impl core::fmt::Debug for Request {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let attributes: Vec<(AttributeType, usize)> =
            self.attributes.iter().map(|(t, v)| (*t, v.len())).collect();
        f.debug_struct("Request")
            .field("code", &self.code)
            .field("attributes", &attributes)
            .field("password", &self.password)
            .finish()
    }
}

impl Request {
    /// An empty request with this Code.
    pub fn new(code: Code) -> Self {
        Request {
            code,
            attributes: Vec::new(),
            password: None,
        }
    }

    /// The Code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// Accounting-Requests go to the accounting servers, everything else
    /// to the authentication servers.
    pub fn service(&self) -> Service {
        if self.code == Code::AccountingRequest {
            Service::Accounting
        } else {
            Service::Authentication
        }
    }

    /// Adds an attribute with a raw value.
    pub fn add(&mut self, t: AttributeType, value: impl Into<Vec<u8>>) -> &mut Self {
        self.attributes.push((t, value.into()));
        self
    }

    /// Adds an `integer` attribute.
    pub fn add_u32(&mut self, t: AttributeType, value: u32) -> &mut Self {
        self.add(t, value.to_be_bytes())
    }

    /// Adds a 64-bit counter as `octets` and, when needed, `gigawords`
    /// (RFC 2869 sections 5.1 and 5.2).
    pub fn add_octets64(
        &mut self,
        octets: AttributeType,
        gigawords: AttributeType,
        count: u64,
    ) -> &mut Self {
        self.add_u32(octets, count as u32);
        let high = (count >> 32) as u32;
        if high != 0 {
            self.add_u32(gigawords, high);
        }
        self
    }

    /// Adds a tagged integer (RFC 2868 section 3.1): Tag 0 for none; the
    /// value keeps its low 24 bits, as [`PacketBuilder::add_tagged_u32`]
    /// writes it.
    ///
    /// [`PacketBuilder::add_tagged_u32`]: crate::PacketBuilder::add_tagged_u32
    pub fn add_tagged_u32(&mut self, t: AttributeType, tag: u8, value: u32) -> &mut Self {
        let [_, a, b, c] = value.to_be_bytes();
        self.add(t, [tag, a, b, c])
    }

    /// Adds a `text` attribute.
    pub fn add_text(&mut self, t: AttributeType, value: &str) -> &mut Self {
        self.add(t, value.as_bytes())
    }

    /// Adds an IPv4 `address` attribute.
    pub fn add_ipv4(&mut self, t: AttributeType, value: Ipv4Addr) -> &mut Self {
        self.add(t, value.octets())
    }

    /// Adds a Vendor-Specific attribute with one sub-attribute; one too
    /// long fails when the request is sent.
    pub fn add_vendor(&mut self, vendor_id: u32, vendor_type: u8, value: &[u8]) -> &mut Self {
        let v = encode_vendor_attribute(vendor_id, vendor_type, value).unwrap_or_else(|| {
            // Too long for one attribute: kept whole so that writing it
            // fails with ValueTooLong and its real length.
            let mut v = vendor_id.to_be_bytes().to_vec();
            v.extend_from_slice(&[vendor_type, 255]);
            v.extend_from_slice(value);
            v
        });
        self.add(AttributeType::VendorSpecific, v)
    }

    /// Adds CHAP-Password (RFC 2865 section 5.3) and CHAP-Challenge
    /// (section 5.40) for a CHAP-MD5 authentication.
    pub fn chap(
        &mut self,
        chap_identifier: u8,
        response: &[u8; 16],
        challenge: &[u8],
    ) -> &mut Self {
        let mut v = vec![chap_identifier];
        v.extend_from_slice(response);
        self.add(AttributeType::ChapPassword, v)
            .add(AttributeType::ChapChallenge, challenge)
    }

    /// Sets the PAP password, hidden per server (RFC 2865 section 5.2).
    pub fn user_password(&mut self, password: Password) -> &mut Self {
        self.password = Some(password);
        self
    }

    /// The value of the first attribute of this type.
    pub fn get(&self, t: AttributeType) -> Option<&[u8]> {
        self.attributes
            .iter()
            .find(|(at, _)| *at == t)
            .map(|(_, v)| v.as_slice())
    }

    /// Writes the request for one server. Access-Request and
    /// Status-Server get a Message-Authenticator as their first attribute
    /// (RFC 3579 section 3.2; the BlastRADIUS advisories). An
    /// Accounting-Request with `acct_delay` gets Acct-Delay-Time raised by
    /// that many seconds (RFC 2866 section 5.2).
    pub(crate) fn write(
        &self,
        identifier: u8,
        authenticator: [u8; 16],
        secret: &SharedSecret,
        acct_delay: Option<u32>,
    ) -> Result<Vec<u8>, BuildError> {
        let mut b = PacketBuilder::new(self.code, identifier);
        b.authenticator(authenticator);
        if matches!(self.code, Code::AccessRequest | Code::StatusServer) {
            b.add_message_authenticator()?;
        }
        let mut delay_written = false;
        for (t, v) in &self.attributes {
            match (*t, acct_delay) {
                (AttributeType::MessageAuthenticator, _) => {}
                (AttributeType::AcctDelayTime, Some(extra)) if !delay_written => {
                    let old = <[u8; 4]>::try_from(v.as_slice())
                        .map(u32::from_be_bytes)
                        .unwrap_or(0);
                    b.add_u32(*t, old.saturating_add(extra))?;
                    delay_written = true;
                }
                _ => {
                    b.add(*t, v)?;
                }
            }
        }
        if let (Some(extra), false) = (acct_delay, delay_written) {
            if self.code == Code::AccountingRequest {
                b.add_u32(AttributeType::AcctDelayTime, extra)?;
            }
        }
        if let Some(p) = &self.password {
            b.add_user_password(p.expose(), secret)?;
        }
        b.finish(secret, None)
    }
}
