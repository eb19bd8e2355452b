//! An embedder's first program: an Engine, two sessions (an LNS and a LAC
//! joined by the fake data path), the engine's event stream, a session's
//! figures, an awaited close and a shutdown.
use rppp::driver::fake::FakeDataPath;
use rppp::driver::{CloseReason, Engine, EngineEvent, LinkOptions};
use rppp::session::{Role, SessionConfig, SessionEvent};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (engine, mut events) = Engine::without_kernel();
    let mut lns = SessionConfig::new(Role::Lns);
    lns.ipcp.local = Some("10.0.0.1".parse().unwrap());
    lns.ipcp.remote = Some("10.0.0.2".parse().unwrap());
    let mut lac = SessionConfig::new(Role::Lac);
    lac.ipcp.noipdefault = true;
    let ((a, _), (b, _), _relay) = FakeDataPath::pair().unwrap();
    let lns = engine.add_session(a, lns, LinkOptions::default(), ());
    engine.add_session(b, lac, LinkOptions::default(), ());
    let mut up = 0;
    while let Some((id, event)) = events.next().await {
        println!("session {id}: {event:?}");
        if let EngineEvent::Session(SessionEvent::IpUp { .. }) = event {
            up += 1;
            if up == 2 {
                break;
            }
        }
    }
    let stats = engine.stats(lns).await.unwrap();
    println!(
        "LNS: {:?}, {} LCP frames in",
        stats.info.ipv4, stats.rx_frames.lcp
    );
    let ended = engine.close(lns, CloseReason::Admin).unwrap().await;
    println!("LNS ended: {ended}");
    for (id, ended) in engine.shutdown().await {
        println!("session {id} ended: {ended}");
    }
}
