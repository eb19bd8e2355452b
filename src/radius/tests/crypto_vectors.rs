//! The crypto against RFC 2865 section 7.1's worked example, and the
//! builder's output against the verifiers.

use rppp_radius::crypto::{
    message_authenticator_status, request_authenticator_valid, response_authenticator_valid,
    unhide_password, MessageAuthenticatorStatus,
};
use rppp_radius::{AttributeType, Code, Packet, PacketBuilder, ServiceType, SharedSecret};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

const RFC2865_REQUEST: &str = "01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb
    98 f4 22 7a 01 06 6e 65 6d 6f 02 12 0d be 70 8d 93 d4 13 ce 31 96 e4 3f
    78 2a 0a ee 04 06 c0 a8 01 10 05 06 00 00 00 03";
const RFC2865_ACCEPT: &str = "02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf
    9b 55 e0 b2 06 06 00 00 00 01 0f 06 00 00 00 00 0e 06 c0 a8 01 03";

/// RFC 2865 section 7.1: user "nemo", password "arctangent", secret
/// "xyzzy5461". Our password hiding reproduces the packet octet for octet
/// and the Access-Accept's Response Authenticator verifies.
#[test]
fn rfc2865_pap_example() {
    let secret = SharedSecret::new("xyzzy5461");
    let request = hex(RFC2865_REQUEST);
    let parsed = Packet::parse(&request).unwrap();
    let ra = parsed.authenticator();
    let hidden = parsed.find(AttributeType::UserPassword).unwrap().value();
    assert_eq!(
        unhide_password(hidden, &secret, &ra).unwrap(),
        b"arctangent"
    );

    let mut b = PacketBuilder::new(Code::AccessRequest, 0);
    b.authenticator(ra);
    b.add_text(AttributeType::UserName, "nemo").unwrap();
    b.add_user_password(b"arctangent", &secret).unwrap();
    b.add_ipv4(AttributeType::NasIpAddress, [192, 168, 1, 16].into())
        .unwrap();
    b.add_u32(AttributeType::NasPort, 3).unwrap();
    assert_eq!(b.finish(&secret, None).unwrap(), request);

    let accept = hex(RFC2865_ACCEPT);
    let reply = Packet::parse(&accept).unwrap();
    assert!(response_authenticator_valid(&reply, &ra, &secret));
    assert!(!response_authenticator_valid(
        &reply,
        &ra,
        &SharedSecret::new("xyzzy5462")
    ));
    let mut other = ra;
    other[0] ^= 1;
    assert!(!response_authenticator_valid(&reply, &other, &secret));
    assert_eq!(
        ServiceType::from(
            reply
                .find(AttributeType::ServiceType)
                .unwrap()
                .as_u32()
                .unwrap()
        ),
        ServiceType::Login
    );

    // Our builder writes the same Access-Accept.
    let mut b = PacketBuilder::new(Code::AccessAccept, 0);
    b.add_u32(AttributeType::ServiceType, 1).unwrap();
    b.add_u32(AttributeType::from(15), 0).unwrap();
    b.add_ipv4(AttributeType::from(14), [192, 168, 1, 3].into())
        .unwrap();
    assert_eq!(b.finish(&secret, Some(&ra)).unwrap(), accept);
}

#[test]
fn access_request_message_authenticator() {
    let secret = SharedSecret::new("s3cret");
    let mut b = PacketBuilder::new(Code::AccessRequest, 9);
    b.authenticator([5; 16]);
    b.add_message_authenticator().unwrap();
    b.add_text(AttributeType::UserName, "bob").unwrap();
    let bytes = b.finish(&secret, None).unwrap();
    let p = Packet::parse(&bytes).unwrap();
    assert_eq!(p.authenticator(), [5; 16]);
    assert_eq!(
        message_authenticator_status(&p, &secret, None),
        MessageAuthenticatorStatus::Valid
    );
    assert_eq!(
        message_authenticator_status(&p, &SharedSecret::new("nope"), None),
        MessageAuthenticatorStatus::Invalid
    );
    let mut tampered = bytes.clone();
    *tampered.last_mut().unwrap() ^= 1;
    assert_eq!(
        message_authenticator_status(&Packet::parse(&tampered).unwrap(), &secret, None),
        MessageAuthenticatorStatus::Invalid
    );
    // Without the attribute.
    let mut b = PacketBuilder::new(Code::AccessRequest, 9);
    b.add_text(AttributeType::UserName, "bob").unwrap();
    let bytes = b.finish(&secret, None).unwrap();
    assert_eq!(
        message_authenticator_status(&Packet::parse(&bytes).unwrap(), &secret, None),
        MessageAuthenticatorStatus::Absent
    );
}

#[test]
fn reply_message_authenticator_uses_request_authenticator() {
    let secret = SharedSecret::new("s3cret");
    let ra = [0x33; 16];
    let mut b = PacketBuilder::new(Code::AccessReject, 1);
    b.add_message_authenticator().unwrap();
    b.add_text(AttributeType::ReplyMessage, "no").unwrap();
    let bytes = b.finish(&secret, Some(&ra)).unwrap();
    let p = Packet::parse(&bytes).unwrap();
    assert!(response_authenticator_valid(&p, &ra, &secret));
    assert_eq!(
        message_authenticator_status(&p, &secret, Some(&ra)),
        MessageAuthenticatorStatus::Valid
    );
    assert_eq!(
        message_authenticator_status(&p, &secret, Some(&[0x34; 16])),
        MessageAuthenticatorStatus::Invalid
    );
    assert_eq!(
        message_authenticator_status(&p, &secret, None),
        MessageAuthenticatorStatus::Invalid
    );
    assert!(PacketBuilder::new(Code::AccessAccept, 1)
        .finish(&secret, None)
        .is_err());
}

#[test]
fn accounting_and_coa_request_authenticators() {
    let secret = SharedSecret::new("s3cret");
    for code in [
        Code::AccountingRequest,
        Code::DisconnectRequest,
        Code::CoaRequest,
    ] {
        let mut b = PacketBuilder::new(code, 4);
        b.add_text(AttributeType::AcctSessionId, "0001").unwrap();
        b.add_message_authenticator().unwrap();
        let bytes = b.finish(&secret, None).unwrap();
        let p = Packet::parse(&bytes).unwrap();
        assert_ne!(p.authenticator(), [0; 16]);
        assert!(request_authenticator_valid(&p, &secret), "{code:?}");
        assert!(!request_authenticator_valid(&p, &SharedSecret::new("x")));
        assert_eq!(
            message_authenticator_status(&p, &secret, None),
            MessageAuthenticatorStatus::Valid
        );
        let mut t = bytes.clone();
        t[25] ^= 1;
        assert!(!request_authenticator_valid(
            &Packet::parse(&t).unwrap(),
            &secret
        ));
    }
    // An Access-Request's authenticator is random: never "valid" here.
    let bytes = PacketBuilder::new(Code::AccessRequest, 1)
        .finish(&secret, None)
        .unwrap();
    assert!(!request_authenticator_valid(
        &Packet::parse(&bytes).unwrap(),
        &secret
    ));
}

#[test]
fn builder_limits() {
    let secret = SharedSecret::new("s");
    let mut b = PacketBuilder::new(Code::AccessRequest, 1);
    assert!(b.add(AttributeType::Class, &[0; 254]).is_err());
    for _ in 0..16 {
        b.add(AttributeType::Class, &[0; 253]).unwrap();
    }
    assert!(matches!(
        b.finish(&secret, None),
        Err(rppp_radius::BuildError::PacketTooLong { len: 4100 })
    ));
}

/// The NAS side of RFC 5176: a Disconnect-Request verifies, the NAK with
/// Error-Cause carries a Response Authenticator and Message-Authenticator
/// over the request's authenticator.
#[test]
fn disconnect_request_and_nak() {
    let secret = SharedSecret::new("coa-secret");
    let mut b = PacketBuilder::new(Code::DisconnectRequest, 77);
    b.add_text(AttributeType::AcctSessionId, "sess-1").unwrap();
    b.add_message_authenticator().unwrap();
    let request = b.finish(&secret, None).unwrap();
    let req = Packet::parse(&request).unwrap();
    assert!(request_authenticator_valid(&req, &secret));
    assert_eq!(
        message_authenticator_status(&req, &secret, None),
        MessageAuthenticatorStatus::Valid
    );
    let mut nak = PacketBuilder::new(Code::DisconnectNak, req.identifier());
    nak.add_message_authenticator().unwrap();
    nak.add_u32(AttributeType::ErrorCause, 503).unwrap();
    let nak = nak.finish(&secret, Some(&req.authenticator())).unwrap();
    let reply = Packet::parse(&nak).unwrap();
    assert!(response_authenticator_valid(
        &reply,
        &req.authenticator(),
        &secret
    ));
    assert_eq!(
        message_authenticator_status(&reply, &secret, Some(&req.authenticator())),
        MessageAuthenticatorStatus::Valid
    );
    assert_eq!(
        reply.error_cause(),
        Some(Ok(rppp_radius::ErrorCause::SessionContextNotFound))
    );
}

/// MS-MPPE-Send-Key in an Access-Accept decrypts under the secret and the
/// Access-Request's authenticator (RFC 2548 section 2.4.2).
#[test]
fn mppe_keys_in_an_accept() {
    use rppp_radius::crypto::{decrypt_mppe_key, encrypt_mppe_key};
    use rppp_radius::{MicrosoftType, VENDOR_MICROSOFT};
    let secret = SharedSecret::new("s3cret");
    let ra = [0x10; 16];
    let send_key: Vec<u8> = (0..16).collect();
    let recv_key: Vec<u8> = (100..116).collect();
    let mut b = PacketBuilder::new(Code::AccessAccept, 3);
    b.add_message_authenticator().unwrap();
    for (t, key, salt) in [(16u8, &send_key, [0x80, 1]), (17, &recv_key, [0x80, 2])] {
        let v = encrypt_mppe_key(key, salt, &secret, &ra).unwrap();
        b.add_vendor(VENDOR_MICROSOFT, t, &v).unwrap();
    }
    let bytes = b.finish(&secret, Some(&ra)).unwrap();
    let p = Packet::parse(&bytes).unwrap();
    let v = p.microsoft(MicrosoftType::MsMppeSendKey).unwrap();
    assert_eq!(decrypt_mppe_key(v, &secret, &ra).unwrap(), send_key);
    let v = p.microsoft(MicrosoftType::MsMppeRecvKey).unwrap();
    assert_eq!(decrypt_mppe_key(v, &secret, &ra).unwrap(), recv_key);
    // Salts must differ, and each key's ciphertext differs from the other.
    assert_ne!(
        p.microsoft(MicrosoftType::MsMppeSendKey).unwrap()[2..],
        p.microsoft(MicrosoftType::MsMppeRecvKey).unwrap()[2..]
    );
}
