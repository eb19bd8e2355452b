//! The openl2tpd event sender against a real unix datagram socket standing
//! in for openl2tpd's: the datagrams that arrive are the lab's golden ones,
//! and a missing, refusing or full socket never blocks, panics or fails the
//! caller.

mod common;

use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{capture_logs, TempDir};
use rppp::notify::{Accm, Event, EventSocket, UpDown, EVENT_SOCKET_PATH};

const GOLDEN: [&[u8]; 3] = [
    include_bytes!("lab/golden/openl2tp/event-1.bin"),
    include_bytes!("lab/golden/openl2tp/event-2.bin"),
    include_bytes!("lab/golden/openl2tp/event-3.bin"),
];

/// The three events of the golden capture: tunnel 100, session 1, unit 0,
/// ppp0, peer "lac", default ACCMs.
fn golden_events() -> [Event<'static>; 3] {
    let updown = |up| UpDown {
        tunnel_id: 100,
        session_id: 1,
        up,
        unit: 0,
        ifname: "ppp0",
        user_name: "lac",
    };
    [
        Event::Accm(Accm {
            tunnel_id: 100,
            session_id: 1,
            send_accm: 0,
            recv_accm: 0,
        }),
        Event::UpDown(updown(true)),
        Event::UpDown(updown(false)),
    ]
}

fn listener(path: &Path) -> UnixDatagram {
    let l = UnixDatagram::bind(path).unwrap();
    l.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    l
}

#[test]
fn a_listener_receives_the_golden_datagrams() {
    let dir = TempDir::new("golden");
    let path = dir.join("openl2tp-event.sock");
    let l = listener(&path);
    let mut tx = EventSocket::with_path(&path);
    assert_eq!(tx.path(), path);
    let mut buf = [0u8; 1024];
    for (event, golden) in golden_events().iter().zip(GOLDEN) {
        assert!(tx.send(event), "{}", event.name());
        let n = l.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], golden, "{}", event.name());
    }
    // Raw datagrams too.
    assert!(tx.send_datagram(GOLDEN[1]));
    let n = l.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], GOLDEN[1]);
}

#[test]
fn default_path_is_openl2tpds() {
    assert_eq!(EVENT_SOCKET_PATH, "/tmp/openl2tp-event.sock");
    assert_eq!(
        EventSocket::new().path(),
        Path::new("/tmp/openl2tp-event.sock")
    );
    assert_eq!(
        EventSocket::default().path(),
        Path::new("/tmp/openl2tp-event.sock")
    );
}

#[test]
fn no_listener_is_not_an_error_and_is_logged_once() {
    let dir = TempDir::new("missing");
    let path = dir.join("nobody-here.sock");
    let (logs, _guard) = capture_logs();
    let mut tx = EventSocket::with_path(&path);
    for event in golden_events().iter().cycle().take(9) {
        assert!(!tx.send(event));
    }
    let warns = logs.count(tracing::Level::WARN);
    assert_eq!(warns, 1, "{:?}", logs.all());
    assert!(logs.all().iter().any(|l| l.contains("nobody-here.sock")));
}

#[test]
fn a_socket_file_without_a_listener_refuses_quietly() {
    let dir = TempDir::new("refused");
    let path = dir.join("stale.sock");
    drop(UnixDatagram::bind(&path).unwrap());
    assert!(path.exists());
    let mut tx = EventSocket::with_path(&path);
    assert!(!tx.send(&golden_events()[1]));
    assert!(!tx.send(&golden_events()[2]));
}

#[test]
fn a_listener_that_starts_later_gets_the_later_events() {
    // pppd's plugin would keep failing here (its socket never connected);
    // sending each datagram with sendto reaches a daemon that came later.
    let dir = TempDir::new("later");
    let path = dir.join("late.sock");
    let (logs, _guard) = capture_logs();
    let mut tx = EventSocket::with_path(&path);
    assert!(!tx.send(&golden_events()[0]));
    let l = listener(&path);
    assert!(tx.send(&golden_events()[1]));
    let mut buf = [0u8; 1024];
    let n = l.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], GOLDEN[1]);
    // A later failure is reported at warn level again.
    drop(l);
    std::fs::remove_file(&path).unwrap();
    assert!(!tx.send(&golden_events()[2]));
    assert_eq!(logs.count(tracing::Level::WARN), 2, "{:?}", logs.all());
}

#[test]
fn a_full_queue_drops_events_without_blocking() {
    let dir = TempDir::new("full");
    let path = dir.join("slow.sock");
    let _l = listener(&path); // never reads
    let mut tx = EventSocket::with_path(&path);
    let start = Instant::now();
    let mut refused = 0;
    for _ in 0..20_000 {
        if !tx.send(&golden_events()[1]) {
            refused += 1;
        }
    }
    assert!(refused > 0, "the receive queue never filled");
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn an_event_that_cannot_be_encoded_is_not_sent() {
    let dir = TempDir::new("bad");
    let path = dir.join("ok.sock");
    let l = listener(&path);
    l.set_nonblocking(true).unwrap();
    let mut tx = EventSocket::with_path(&path);
    let bad = Event::UpDown(UpDown {
        tunnel_id: 1,
        session_id: 1,
        up: true,
        unit: 0,
        ifname: "pp\0p",
        user_name: "",
    });
    assert!(!tx.send(&bad));
    let mut buf = [0u8; 16];
    assert!(l.recv(&mut buf).is_err());
}
