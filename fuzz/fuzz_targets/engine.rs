//! The Engine's own entry points while frames arrive: one LNS session on
//! the fake data path, fed arbitrary frames through the fake kernel,
//! interleaved with `stats`, soft and hard closes, `shutdown` and time
//! passing (tokio's paused clock: virtual time). Whatever happens, the
//! session ends, its last event is its only `Ended`, it leaves the
//! registry, and the fake kernel is left with nothing: no unit, every fd
//! of the engine closed.
//!
//! The first octet picks the configuration; then each instruction is an
//! opcode octet and its operands.
#![no_main]

use std::net::Ipv4Addr;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use rppp::driver::fake::FakeDataPath;
use rppp::driver::{CloseReason, Engine, EngineEvent, LinkOptions};
use rppp::session::{Role, SessionConfig};
use rppp_auth::{AuthMethod, AuthMethods};

const PROTOCOLS: [u16; 8] = [0xc021, 0xc023, 0xc223, 0x8021, 0x8057, 0x0021, 0x80fd, 0x1234];

fn config(flags: u8) -> SessionConfig {
    let mut config = SessionConfig::new(if flags & 1 == 0 { Role::Lns } else { Role::Lac });
    config.ipcp.local = Some(Ipv4Addr::new(10, 0, 0, 1));
    config.ipcp.remote = Some(Ipv4Addr::new(10, 0, 0, 2));
    if flags & 2 != 0 {
        config.lcp.require = AuthMethods::NONE.with(AuthMethod::Pap);
    }
    if flags & 4 != 0 {
        config.lcp.echo_interval = Some(Duration::from_secs(2));
        config.lcp.echo_failure = 2;
    }
    if flags & 8 != 0 {
        config.ipv6cp = Some(Default::default());
    }
    config
}

async fn run(data: &[u8]) {
    let Some((&flags, mut program)) = data.split_first() else { return };
    let (engine, mut events) = Engine::without_kernel();
    let (dp, kernel) = FakeDataPath::new().expect("socketpair");
    let id = engine.add_session(dp, config(flags), LinkOptions::default(), ());
    let mut next = || -> Option<u8> {
        let (&b, rest) = program.split_first()?;
        program = rest;
        Some(b)
    };
    while let Some(op) = next() {
        match op % 8 {
            0 | 1 => {
                let protocol = PROTOCOLS[usize::from(next().unwrap_or(0)) % PROTOCOLS.len()];
                let n = usize::from(next().unwrap_or(0));
                let frame: Vec<u8> = (0..n).map_while(|_| next()).collect();
                kernel.inject(protocol, &frame);
            }
            2 => {
                let step = u64::from(next().unwrap_or(10));
                tokio::time::sleep(Duration::from_millis(100 * step)).await;
            }
            3 => {
                if let Ok(stats) = engine.stats(id).await {
                    assert_eq!(stats.info.id, id);
                }
            }
            4 => drop(engine.close(id, CloseReason::Admin)),
            5 => drop(engine.close_hard(id, CloseReason::Admin)),
            6 => tokio::task::yield_now().await,
            _ => break,
        }
    }
    let ended = tokio::time::timeout(Duration::from_secs(600), engine.shutdown())
        .await
        .expect("every session ends within ten virtual minutes");
    assert!(ended.len() <= 1);
    assert!(engine.is_empty(), "a session left in the registry");
    assert!(engine.stats(id).await.is_err());
    // Ended reaches the stream after the registry let the session go.
    let mut seen = 0usize;
    loop {
        let (sid, event) = tokio::time::timeout(Duration::from_secs(60), events.next())
            .await
            .expect("Ended on the stream")
            .expect("the stream lives while the engine does");
        assert_eq!(sid, id);
        seen += 1;
        if matches!(event, EngineEvent::Ended(_)) {
            break;
        }
    }
    tokio::task::yield_now().await;
    assert!(events.try_next().is_none(), "an event after Ended ({seen} before)");
    let k = kernel.lock();
    assert!(k.torn_down && !k.unit_exists, "{k:?}");
    drop(k);
    assert!(kernel.engine_fds_closed(), "an fd of the engine left open");
}

thread_local! {
    // One runtime for every input: building one per input (its timer wheel
    // and I/O driver) cost more than the run itself. Each run ends with
    // the engine empty and every fd closed (checked above), so nothing of
    // one input reaches the next; the paused clock only moves forward.
    static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("runtime");
}

fuzz_target!(|data: &[u8]| {
    RUNTIME.with(|rt| rt.block_on(run(data)));
});
