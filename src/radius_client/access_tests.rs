use super::*;
use rppp_auth::{AuthMethod, Secret, VerifyHandle};
use rppp_radius::client::{Reply, RequestId};
use rppp_radius::{PacketBuilder, SharedSecret};

fn verify(credentials: Credentials) -> VerifyRequest {
    VerifyRequest {
        handle: VerifyHandle::from_raw(1),
        method: AuthMethod::MsChapV2,
        name: b"carol".to_vec(),
        our_name: b"lns".to_vec(),
        credentials,
    }
}

fn mschapv2() -> Credentials {
    Credentials::MsChapV2 {
        identifier: 7,
        authenticator_challenge: [1; 16],
        peer_challenge: [2; 16],
        nt_response: [3; 24],
        flags: 0,
    }
}

fn reply(code: Code, build: impl FnOnce(&mut PacketBuilder)) -> Reply {
    let mut b = PacketBuilder::new(code, 1);
    build(&mut b);
    Reply {
        request: RequestId(0),
        server: "127.0.0.1:1812".parse().unwrap(),
        code,
        bytes: b.finish(&SharedSecret::new("s"), Some(&[0; 16])).unwrap(),
        request_authenticator: [0; 16],
    }
}

#[test]
fn mschapv2_request_layout_rfc2548() {
    let nas = NasContext {
        nas_ip_address: Some(Ipv4Addr::new(192, 0, 2, 1)),
        nas_port: Some(3),
        calling_station_id: Some("198.51.100.7".into()),
        ..NasContext::default()
    };
    let r = access_request(&verify(mschapv2()), &nas).unwrap();
    assert_eq!(r.get(AttributeType::UserName), Some(&b"carol"[..]));
    assert_eq!(r.get(AttributeType::NasIdentifier), None);
    assert_eq!(r.get(AttributeType::NasPort), Some(&[0, 0, 0, 3][..]));
    let first = r.get(AttributeType::VendorSpecific).unwrap();
    assert_eq!(&first[..6], &[0, 0, 1, 55, 11, 18]);
}

#[test]
fn accept_maps_to_verdict_with_success_after_ident() {
    let v = verify(mschapv2());
    let success = b"\x07S=0123456789ABCDEF0123456789ABCDEF01234567";
    let r = reply(Code::AccessAccept, |b| {
        b.add_vendor(VENDOR_MICROSOFT, 26, success).unwrap();
        b.add_ipv4(AttributeType::FramedIpAddress, Ipv4Addr::new(10, 64, 0, 9))
            .unwrap();
    });
    let a = authorization(&v, Ok(&r));
    let Verdict::Accept {
        mschapv2_success,
        addresses,
        message,
    } = a.verdict
    else {
        panic!("{:?}", a.verdict)
    };
    assert_eq!(mschapv2_success.as_deref(), Some(&success[1..]));
    assert_eq!(message, None);
    assert!(addresses.permits(Ipv4Addr::new(10, 64, 0, 9), None));
    assert!(!addresses.permits(Ipv4Addr::new(10, 64, 0, 10), None));
    assert_eq!(
        a.attributes.framed_ip,
        Some(FramedIp::Address(Ipv4Addr::new(10, 64, 0, 9)))
    );
}

#[test]
fn reject_prefers_ms_chap_error_and_no_answer_is_unavailable() {
    let v = verify(mschapv2());
    let r = reply(Code::AccessReject, |b| {
        b.add_text(AttributeType::ReplyMessage, "go away").unwrap();
        b.add_vendor(VENDOR_MICROSOFT, 2, b"\x07E=691 R=0 V=3")
            .unwrap();
    });
    assert_eq!(
        authorization(&v, Ok(&r)).verdict,
        Verdict::Reject {
            message: Some(b"E=691 R=0 V=3".to_vec())
        }
    );
    let pap = verify(Credentials::Pap {
        password: Secret::new("pw"),
    });
    assert_eq!(
        authorization(&pap, Ok(&r)).verdict,
        Verdict::Reject {
            message: Some(b"go away".to_vec())
        }
    );
    assert_eq!(
        authorization(&pap, Err(&RadiusError::NoServerAnswered)).verdict,
        Verdict::Unavailable
    );
}
