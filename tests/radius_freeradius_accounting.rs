//! Accounting (RFC 2866, RFC 2869) from `rppp::radius_client` to a real
//! FreeRADIUS 3 (see `tests/radius_common`): Start, Interim-Update and
//! Stop in its detail file with the counts sent, and a record sent while
//! the only server is down delivered once it starts.

#![cfg(feature = "radius")]

mod radius_common;

use std::time::Duration;

use radius_common::client::{record, service};
use radius_common::FreeRadius;
use rppp::radius_client::{AccountingStatus, AcctTerminateCause, TrafficCounters};

#[tokio::test]
async fn accounting_start_interim_stop_reach_the_detail_file() {
    let Some(fr) = FreeRadius::start_new() else {
        return;
    };
    let s = service(vec![], vec![fr.acct_addr()]).await;
    let h = s.handle();
    h.account_record(&record(AccountingStatus::Start, None));
    let interim = TrafficCounters {
        input_octets: 123_456,
        output_octets: 654_321,
        input_packets: 100,
        output_packets: 200,
    };
    h.account_record(&record(AccountingStatus::InterimUpdate, Some(interim)));
    let stop = TrafficCounters {
        input_octets: (2 << 32) | 1000,
        output_octets: 777_777,
        input_packets: 300,
        output_packets: 400,
    };
    h.account_record(&record(
        AccountingStatus::Stop(AcctTerminateCause::UserRequest),
        Some(stop),
    ));
    let d = fr
        .wait_detail(Duration::from_secs(10), |d| {
            d.contains("Acct-Status-Type = Stop")
        })
        .await;
    for needle in [
        "Acct-Status-Type = Start",
        "Acct-Status-Type = Interim-Update",
        "Acct-Input-Octets = 123456",
        "Acct-Output-Octets = 654321",
        "Acct-Input-Octets = 1000",
        "Acct-Input-Gigawords = 2",
        "Acct-Output-Octets = 777777",
        "Acct-Terminate-Cause = User-Request",
        "Acct-Session-Id = \"rppp-0001\"",
        "Class = 0x727070702d636c6173732d616c696365",
        "Framed-IP-Address = 10.64.0.7",
        "NAS-Port-Type = Virtual",
    ] {
        assert!(d.contains(needle), "{needle} missing from:\n{d}");
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let c = s.counters();
    assert_eq!((c.accounting_records, c.accounting_acknowledged), (3, 3));
    assert_eq!(c.accounting_dropped, 0);
}

#[tokio::test]
async fn accounting_sent_while_the_server_is_down_is_delivered_once_it_starts() {
    let Some(mut fr) = FreeRadius::configure() else {
        return;
    };
    let s = service(vec![], vec![fr.acct_addr()]).await;
    let h = s.handle();
    h.account_record(&record(AccountingStatus::Start, None));
    // Two sends of 400 ms each, then the record is held.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while h.counters().accounting_held == 0 {
        assert!(tokio::time::Instant::now() < deadline, "{:?}", h.counters());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(h.counters().accounting_queued, 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    fr.start();
    let d = fr
        .wait_detail(Duration::from_secs(15), |d| {
            d.contains("Acct-Status-Type = Start")
        })
        .await;
    assert!(d.contains("Acct-Delay-Time = "), "{d}");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let c = h.counters();
    assert_eq!(c.accounting_acknowledged, 1, "{c:?}");
    assert_eq!((c.accounting_queued, c.accounting_dropped), (0, 0));
}
