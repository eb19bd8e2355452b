//! The RADIUS client (`rppp::radius_client`) against a real FreeRADIUS 3
//! (see `tests/radius_common`): PAP, CHAP-MD5, MS-CHAP and MS-CHAPv2
//! accepted with their reply attributes, a wrong password rejected, a
//! service configured from pppd's radiusclient.conf, failover from a dead
//! server, a forged reply dropped and counted, an Access-Accept without
//! Message-Authenticator refused (BlastRADIUS, CVE-2024-3596). Accounting is in
//! `tests/radius_freeradius_accounting.rs`.

#![cfg(feature = "radius")]

mod radius_common;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use radius_common::client::{nas, pap, record, service, verify};
use radius_common::{FreeRadius, CHAP_USER, LEGACY_USER, MSCHAPV2_USER, PAP_USER, SECRET};
use rppp::auth::mschap::crypto::{
    generate_authenticator_response, generate_nt_response, nt_challenge_response,
};
use rppp::auth::mschap::message::parse_success_v2;
use rppp::auth::{AuthMethod, Credentials, Secret, Verdict};
use rppp::radius_client::{
    AccountingStatus, FramedIp, NasContext, RadiusConfig, RadiusService, Unsupported,
};
use rppp_radius::AttributeType;
use tokio::net::UdpSocket;

#[tokio::test]
async fn pap_user_is_accepted_with_framed_ip_and_session_timeout() {
    let Some(fr) = FreeRadius::start_new() else {
        return;
    };
    let s = service(vec![fr.auth_addr()], vec![]).await;
    let a = s.handle().verify(&pap(PAP_USER), &nas()).await;
    let Verdict::Accept {
        message, addresses, ..
    } = &a.verdict
    else {
        panic!("{:?}\n{}", a.verdict, fr.log())
    };
    assert_eq!(message.as_deref(), Some(&b"welcome alice"[..]));
    assert!(addresses.permits(Ipv4Addr::new(10, 64, 0, 7), None));
    let r = &a.attributes;
    assert_eq!(
        r.framed_ip,
        Some(FramedIp::Address(Ipv4Addr::new(10, 64, 0, 7)))
    );
    assert_eq!(r.session_timeout, Some(Duration::from_secs(3600)));
    assert_eq!(r.class, vec![b"rppp-class-alice".to_vec()]);
    assert_eq!(
        r.unsupported,
        vec![Unsupported::Attribute(AttributeType::FilterId)]
    );
    assert_eq!(s.counters().access_accepts, 1);
}

#[tokio::test]
async fn chap_md5_user_is_accepted() {
    let Some(fr) = FreeRadius::start_new() else {
        return;
    };
    let s = service(vec![fr.auth_addr()], vec![]).await;
    let challenge = vec![0x5a; 16];
    let identifier = 9;
    // RFC 1994 section 4.1: MD5(Identifier || secret || Challenge).
    let mut ctx = md5::Context::new();
    ctx.consume([identifier]);
    ctx.consume(CHAP_USER.1.as_bytes());
    ctx.consume(&challenge);
    let response = ctx.finalize().0;
    let v = verify(
        AuthMethod::ChapMd5,
        CHAP_USER.0,
        Credentials::ChapMd5 {
            identifier,
            challenge,
            response,
        },
    );
    let a = s.handle().verify(&v, &nas()).await;
    assert!(
        matches!(a.verdict, Verdict::Accept { .. }),
        "{:?}",
        a.verdict
    );
    assert_eq!(a.attributes.framed_ip, Some(FramedIp::NasAssigns));
    assert_eq!(a.attributes.session_timeout, Some(Duration::from_secs(600)));
}

#[tokio::test]
async fn mschapv2_user_is_accepted_with_the_expected_authenticator_response() {
    let Some(fr) = FreeRadius::start_new() else {
        return;
    };
    let s = service(vec![fr.auth_addr()], vec![]).await;
    let (name, password) = (MSCHAPV2_USER.0, Secret::new(MSCHAPV2_USER.1));
    let authenticator_challenge = [0x11; 16];
    let peer_challenge = [0x22; 16];
    let nt_response = generate_nt_response(
        &authenticator_challenge,
        &peer_challenge,
        name.as_bytes(),
        &password,
    );
    let v = verify(
        AuthMethod::MsChapV2,
        name,
        Credentials::MsChapV2 {
            identifier: 3,
            authenticator_challenge,
            peer_challenge,
            nt_response,
            flags: 0,
        },
    );
    let a = s.handle().verify(&v, &nas()).await;
    let Verdict::Accept {
        mschapv2_success, ..
    } = &a.verdict
    else {
        panic!("{:?}\n{}", a.verdict, fr.log())
    };
    let expected = generate_authenticator_response(
        &password,
        &nt_response,
        &peer_challenge,
        &authenticator_challenge,
        name.as_bytes(),
    );
    let success = mschapv2_success.as_deref().expect("MS-CHAP2-Success");
    assert_eq!(parse_success_v2(success), Some(expected));
    assert_eq!(
        a.attributes.framed_ip,
        Some(FramedIp::Address(Ipv4Addr::new(10, 64, 0, 9)))
    );
    assert!(
        a.attributes.mppe_keys,
        "FreeRADIUS's mschap sends MPPE keys"
    );
    assert!(!format!("{a:?}").contains(&format!("{:?}", expected[0..4].to_vec())));
}

#[tokio::test]
async fn mschap_v1_user_is_accepted() {
    let Some(fr) = FreeRadius::start_new() else {
        return;
    };
    let s = service(vec![fr.auth_addr()], vec![]).await;
    let challenge = [0x33; 8];
    let nt_response = nt_challenge_response(&challenge, &Secret::new(MSCHAPV2_USER.1));
    let v = verify(
        AuthMethod::MsChap,
        MSCHAPV2_USER.0,
        Credentials::MsChap {
            identifier: 4,
            challenge,
            lm_response: [0; 24],
            nt_response,
            flags: 1,
        },
    );
    let a = s.handle().verify(&v, &nas()).await;
    assert!(
        matches!(a.verdict, Verdict::Accept { .. }),
        "{:?}\n{}",
        a.verdict,
        fr.log()
    );
    let mut wrong = v.clone();
    if let Credentials::MsChap { nt_response, .. } = &mut wrong.credentials {
        nt_response[0] ^= 1;
    }
    let a = s.handle().verify(&wrong, &nas()).await;
    let Verdict::Reject { message } = &a.verdict else {
        panic!("{:?}", a.verdict)
    };
    // MS-CHAP-Error after its Ident octet (RFC 2548 section 2.1.5).
    let message = message.as_deref().unwrap_or_default();
    assert!(message.starts_with(b"E=691"), "{}", message.escape_ascii());
}

#[tokio::test]
async fn service_from_pppd_radiusclient_conf() {
    let Some(fr) = FreeRadius::start_new() else {
        return;
    };
    let conf = fr.dir().join("radiusclient.conf");
    std::fs::write(
        &conf,
        format!(
            "authserver 127.0.0.1:{}\nacctserver 127.0.0.1:{}\nservers servers\n\
             radius_timeout 1\nradius_retries 2\nnas_identifier lns-test\nseqfile /x\n",
            fr.auth_port, fr.acct_port
        ),
    )
    .unwrap();
    std::fs::write(fr.dir().join("servers"), format!("127.0.0.1 {SECRET}\n")).unwrap();
    let config = RadiusConfig::from_radiusclient_conf(&conf).unwrap();
    let nas = NasContext {
        nas_identifier: config.nas_identifier.clone(),
        ..NasContext::default()
    };
    let s = RadiusService::spawn(config).await.unwrap();
    let a = s.handle().verify(&pap(PAP_USER), &nas).await;
    assert!(
        matches!(a.verdict, Verdict::Accept { .. }),
        "{:?}",
        a.verdict
    );
    let mut start = record(AccountingStatus::Start, None);
    start.nas = nas;
    s.handle().account_record(&start);
    fr.wait_detail(Duration::from_secs(10), |d| {
        d.contains("NAS-Identifier = \"lns-test\"")
    })
    .await;
    s.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn wrong_password_is_rejected() {
    let Some(fr) = FreeRadius::start_new() else {
        return;
    };
    let s = service(vec![fr.auth_addr()], vec![]).await;
    let a = s.handle().verify(&pap((PAP_USER.0, "wrong")), &nas()).await;
    assert!(
        matches!(a.verdict, Verdict::Reject { .. }),
        "{:?}",
        a.verdict
    );
    assert_eq!(s.counters().access_rejects, 1);
}

#[tokio::test]
async fn first_server_down_second_answers() {
    let Some(fr) = FreeRadius::start_new() else {
        return;
    };
    let dead = SocketAddr::from(([127, 0, 0, 1], radius_common::free_udp_port()));
    let s = service(vec![dead, fr.auth_addr()], vec![]).await;
    let a = s.handle().verify(&pap(PAP_USER), &nas()).await;
    assert!(
        matches!(a.verdict, Verdict::Accept { .. }),
        "{:?}",
        a.verdict
    );
    let c = s.counters();
    assert_eq!((c.client.failovers, c.client.server_timeouts), (1, 1));
    assert_eq!(c.client.retransmissions, 1);
}

/// A relay between the client and FreeRADIUS that answers each request
/// first with a copy of the real reply whose Response Authenticator is
/// corrupted, then with the real one.
async fn forging_relay(upstream: SocketAddr) -> SocketAddr {
    let front = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let back = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let address = front.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = vec![0u8; 4096];
        loop {
            let Ok((n, client)) = front.recv_from(&mut buf).await else {
                return;
            };
            back.send_to(&buf[..n], upstream).await.unwrap();
            let Ok((n, _)) = back.recv_from(&mut buf).await else {
                return;
            };
            let mut forged = buf[..n].to_vec();
            forged[4] ^= 0xff;
            front.send_to(&forged, client).await.unwrap();
            front.send_to(&buf[..n], client).await.unwrap();
        }
    });
    address
}

#[tokio::test]
async fn forged_reply_is_dropped_and_counted() {
    let Some(fr) = FreeRadius::start_new() else {
        return;
    };
    let relay = forging_relay(fr.auth_addr()).await;
    let s = service(vec![relay], vec![]).await;
    let a = s.handle().verify(&pap(PAP_USER), &nas()).await;
    assert!(
        matches!(a.verdict, Verdict::Accept { .. }),
        "{:?}",
        a.verdict
    );
    let c = s.counters();
    assert_eq!(c.client.dropped.bad_response_authenticator, 1, "{c:?}");
    assert_eq!(c.client.replies, 1);
}

#[tokio::test]
async fn accept_without_message_authenticator_is_dropped() {
    let Some(fr) = FreeRadius::start_new() else {
        return;
    };
    let s = service(vec![fr.auth_addr()], vec![]).await;
    let a = s.handle().verify(&pap(LEGACY_USER), &nas()).await;
    assert_eq!(a.verdict, Verdict::Unavailable);
    let c = s.counters();
    assert!(c.client.dropped.missing_message_authenticator >= 1, "{c:?}");
    assert_eq!((c.client.replies, c.access_unanswered), (0, 1));
    assert!(
        fr.log().contains("Sent Access-Accept"),
        "FreeRADIUS did accept"
    );
}
