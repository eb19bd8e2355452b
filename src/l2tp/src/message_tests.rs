use super::*;
use crate::avp::{Bearer, CdnResult, ErrorCode, Framing, ProtocolVersion, StopCcnResult};

/// An SCCRQ by hand from sections 3.1 and 6.1, in the shape xl2tpd 1.3
/// sends (its AVPs and their order): Tunnel ID 0, Ns 0, Nr 0; Message
/// Type 1, Protocol Version 1.0, Framing Capabilities A|S, Bearer
/// Capabilities 0, Firmware Revision 0x0690 (M=0), Host Name "xl2tpd",
/// Vendor Name "xelerance.com" (M=0), Assigned Tunnel ID 0x2b9d, Receive
/// Window Size 4.
#[rustfmt::skip]
static SCCRQ: &[u8] = &[
    0xc8, 0x02, 0x00, 0x67, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x80, 0x08, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00,
    0x80, 0x0a, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03,
    0x80, 0x0a, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x08, 0x00, 0x00, 0x00, 0x06, 0x06, 0x90,
    0x80, 0x0c, 0x00, 0x00, 0x00, 0x07, b'x', b'l', b'2', b't', b'p', b'd',
    0x00, 0x13, 0x00, 0x00, 0x00, 0x08,
    b'x', b'e', b'l', b'e', b'r', b'a', b'n', b'c', b'e', b'.', b'c', b'o', b'm',
    0x80, 0x08, 0x00, 0x00, 0x00, 0x09, 0x2b, 0x9d,
    0x80, 0x08, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x04,
];

/// A StopCCN by hand (section 6.4): to tunnel 0x2b9d, Ns 2, Nr 1, Assigned
/// Tunnel ID 7, Result Code 2 / Error Code 8 / "x".
#[rustfmt::skip]
static STOPCCN: &[u8] = &[
    0xc8, 0x02, 0x00, 0x27, 0x2b, 0x9d, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01,
    0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
    0x80, 0x08, 0x00, 0x00, 0x00, 0x09, 0x00, 0x07,
    0x80, 0x0b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x08, b'x',
];

fn sccrq() -> Message {
    Message::new(
        MessageType::Sccrq,
        [
            Avp::ProtocolVersion(ProtocolVersion::RFC2661),
            Avp::FramingCapabilities(Framing::BOTH),
            Avp::BearerCapabilities(Bearer(0)),
            Avp::FirmwareRevision(0x0690),
            Avp::HostName(b"xl2tpd".to_vec()),
            Avp::VendorName(b"xelerance.com".to_vec()),
            Avp::AssignedTunnelId(0x2b9d),
            Avp::ReceiveWindowSize(4),
        ],
    )
}

#[test]
fn deconstruct_sccrq() {
    let (h, body) = HeaderRepr::parse(SCCRQ).unwrap();
    assert_eq!(
        h,
        HeaderRepr {
            length: Some(0x67),
            ..HeaderRepr::control(0, 0, 0, 0)
        }
    );
    let m = Message::parse(&SCCRQ[body], None).unwrap();
    assert_eq!(m, sccrq());
    assert_eq!(m.check(), Ok(()));
    assert_eq!(m.host_name().as_deref(), Some(&b"xl2tpd"[..]));
    assert_eq!(m.assigned_tunnel_id(), Some(0x2b9d));
    assert_eq!(m.receive_window(), Some(4));
    assert_eq!(m.tie_breaker(), None);
}

#[test]
fn construct_sccrq() {
    assert_eq!(sccrq().encode(HeaderRepr::control(0, 0, 0, 0), None), SCCRQ);
}

#[test]
fn stopccn_both_ways() {
    let (h, body) = HeaderRepr::parse(STOPCCN).unwrap();
    let m = Message::parse(&STOPCCN[body], None).unwrap();
    assert_eq!(m.message_type, MessageType::StopCcn);
    let result = m.result_code().unwrap();
    assert_eq!(
        StopCcnResult::from(result.result),
        StopCcnResult::GeneralError
    );
    assert_eq!(result.error, Some(ErrorCode::UnknownMandatoryAvp));
    assert_eq!(m.encode(h, None), STOPCCN);
}

#[test]
fn a_message_missing_a_required_avp_is_refused() {
    let cdn = Message::new(MessageType::Cdn, [Avp::AssignedSessionId(3)]);
    assert_eq!(cdn.check(), Err(Refusal::Missing(AvpType::ResultCode)));
    let full = Message::new(
        MessageType::Cdn,
        [
            Avp::ResultCode(ResultCode::cdn(CdnResult::Administrative)),
            Avp::AssignedSessionId(3),
        ],
    );
    assert_eq!(full.check(), Ok(()));
}

#[test]
fn unknown_avps_are_data_unless_mandatory() {
    let mut m = Message::new(MessageType::Hello, []);
    m.avps.push(AvpEntry {
        avp: Avp::Unknown {
            vendor: 9,
            attribute: 1,
            value: vec![1, 2],
        },
        mandatory: false,
        hidden: false,
    });
    let bytes = m.encode(HeaderRepr::control(1, 0, 0, 0), None);
    let parsed = Message::parse(&bytes[12..], None).unwrap();
    assert_eq!(parsed, m);
    assert_eq!(parsed.check(), Ok(()));
    m.avps[0].mandatory = true;
    assert_eq!(
        m.check(),
        Err(Refusal::UnknownMandatory {
            vendor: 9,
            attribute: 1
        })
    );
    let code = Refusal::UnknownMandatory {
        vendor: 9,
        attribute: 1,
    }
    .result_code();
    assert_eq!(
        (code.result, code.error),
        (2, Some(ErrorCode::UnknownMandatoryAvp))
    );
}

#[test]
fn the_first_avp_must_be_a_plain_message_type() {
    let bytes = sccrq().encode(HeaderRepr::control(0, 0, 0, 0), None);
    // Drop the Message Type AVP.
    assert_eq!(
        Message::parse(&bytes[20..], None),
        Err(MessageError::NoMessageType)
    );
    let mut hidden = bytes.clone();
    hidden[12] |= 0x40;
    assert_eq!(
        Message::parse(&hidden[12..], None),
        Err(MessageError::NoMessageType)
    );
    assert!(matches!(
        Message::parse(&[], None),
        Err(MessageError::Avp(_))
    ));
}

#[test]
fn a_truncated_avp_names_itself_and_its_offset() {
    let (_, body) = HeaderRepr::parse(SCCRQ).unwrap();
    let body = &SCCRQ[body];
    // Cut inside the Host Name AVP, which starts at body offset 44.
    let e = Message::parse(&body[..52], None).unwrap_err();
    let MessageError::Avp(e) = e else {
        panic!("{e:?}")
    };
    assert_eq!(e.offset, 44);
    assert_eq!(e.attribute, Some((0, 7)));
    assert!(matches!(e.kind, AvpErrorKind::Truncated { .. }));
    // A Receive Window of three octets.
    let mut bad = body.to_vec();
    bad.truncate(bad.len() - 8);
    bad.extend_from_slice(&[0x80, 0x09, 0, 0, 0, 10, 0, 0, 4]);
    let e = Message::parse(&bad, None).unwrap_err();
    assert!(matches!(
        e,
        MessageError::Avp(AvpError {
            attribute: Some((0, 10)),
            kind: AvpErrorKind::ValueLength { len: 3 },
            ..
        })
    ));
}

fn hidden_icrp() -> Message {
    let mut m = Message::new(
        MessageType::Icrp,
        [
            Avp::RandomVector(vec![0x5a; 16]),
            Avp::AssignedSessionId(0x1234),
        ],
    );
    m.hide(AvpType::AssignedSessionId);
    m
}

#[test]
fn hidden_avps_round_trip_with_the_secret() {
    let m = hidden_icrp();
    let bytes = m.encode(HeaderRepr::control(1, 2, 3, 4), Some(b"secret"));
    // The Assigned Session ID went out hidden: H bit, and a longer value.
    let avp = &bytes[12 + 8 + 22..];
    assert_eq!(avp[0] & 0xc0, 0xc0);
    assert_eq!(avp[1], 6 + 4);
    assert_ne!(&avp[8..10], &[0x12, 0x34]);
    let parsed = Message::parse(&bytes[12..], Some(b"secret")).unwrap();
    assert_eq!(parsed, m);
    assert_eq!(parsed.assigned_session_id(), Some(0x1234));
}

#[test]
fn hidden_avps_without_the_secret_or_vector_are_refused_when_mandatory() {
    let bytes = hidden_icrp().encode(HeaderRepr::control(1, 2, 3, 4), Some(b"secret"));
    let body = &bytes[12..];
    let e = Message::parse(body, None).unwrap_err();
    assert!(matches!(
        e,
        MessageError::Avp(AvpError {
            kind: AvpErrorKind::HiddenWithoutSecret,
            ..
        })
    ));
    // A wrong secret decodes to a length that does not fit, or to a value
    // of the wrong size.
    assert!(Message::parse(body, Some(b"wrong")).is_err());
    // Without the Random Vector before it.
    let mut no_rv = body[..8].to_vec();
    no_rv.extend_from_slice(&body[8 + 22..]);
    let e = Message::parse(&no_rv, Some(b"secret")).unwrap_err();
    assert!(matches!(
        e,
        MessageError::Avp(AvpError {
            kind: AvpErrorKind::HiddenWithoutRandomVector,
            offset: 8,
            ..
        })
    ));
    // The same AVP without the M bit is ignored.
    no_rv[8] &= 0x7f;
    let m = Message::parse(&no_rv, Some(b"secret")).unwrap();
    assert!(m.avps.is_empty());
}

#[test]
fn a_hidden_random_vector_is_refused() {
    let mut body = Vec::new();
    Message::new(MessageType::Hello, []).emit(None, &mut body);
    RawAvp::append(true, true, 0, 36, &[1, 2, 3], &mut body);
    let e = Message::parse(&body, Some(b"k")).unwrap_err();
    assert!(matches!(
        e,
        MessageError::Avp(AvpError {
            kind: AvpErrorKind::MustNotBeHidden,
            ..
        })
    ));
}

#[test]
fn required_avps_follow_section_6() {
    assert!(MessageType::Sccrq
        .required()
        .contains(&AvpType::AssignedTunnelId));
    assert!(MessageType::Sli.required().contains(&AvpType::Accm));
    assert!(MessageType::Hello.is_tunnel_scope());
    assert!(!MessageType::Cdn.is_tunnel_scope());
    assert_eq!(MessageType::from(5), MessageType::Unknown(5));
}
