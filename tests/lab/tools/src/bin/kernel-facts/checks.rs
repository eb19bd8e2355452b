//! The checks, in the order they run against one pppd: the PPPoL2TP
//! socket before and after PPPIOCGCHAN, the channel and the unit, control
//! frames before and after PPPIOCCONNECT, the data path, and what deleting
//! the session, the peer's tunnel and the unit does.

use std::net::SocketAddrV4;
use std::os::fd::AsFd;
use std::process::Child;
use std::time::Duration;

use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::net::if_::if_nametoindex;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::unistd::Pid;
use rppp::kernel::{Channel, Errno, PppoL2tpSocket, Unattached};
use rppp::session::NpMode;
use rppp_lab::{enter_netns, err, spawn_engine, BoxError, StaticTunnel};

use crate::concurrent::concurrent_units;
use crate::engine::Engine;
use crate::frame::packet;
use crate::system::{ip, ping, wait_exit};
use crate::{
    Facts, CHAP, IFNAME, IP, IPCP, IPV6, LCP, MAGIC, OUR_IP, OUR_SESSION, OUR_TUNNEL, PEER_IP,
    PEER_SESSION, PEER_TUNNEL,
};

/// Both ends of the static session, with pppd running on the "lac" one.
struct Lab {
    ours: StaticTunnel,
    theirs: StaticTunnel,
    /// Our session socket, nonblocking.
    sock: PppoL2tpSocket,
    lac_addr: SocketAddrV4,
    pppd: Child,
}

/// Runs every check into `f`; an error is a check that could not run.
pub(crate) fn run(f: &mut Facts) -> Result<(), BoxError> {
    let engine = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/usr/sbin/pppd".into());
    // Bound in the order the original locals were made, so that they are
    // dropped in the same order on an early return.
    let Lab {
        ours,
        sock,
        theirs,
        lac_addr,
        mut pppd,
    } = start(&engine)?;
    let index = socket_then_channel(f, &sock)?;
    let (mut e, unit_no) = channel_and_unit(f, index)?;
    let mut our_req = vec![3, 5, 0xc2, 0x23, 5]; // Auth-Protocol CHAP, MD5
    our_req.extend_from_slice(&[5, 6]);
    our_req.extend_from_slice(&MAGIC.to_be_bytes());
    unconnected_unit(f, &mut e, &our_req)?;
    let challenge = control_before_connect(f, &mut e, &our_req)?;
    connect(f, &mut e, unit_no)?;
    control_after_connect(f, &mut e, &challenge)?;
    data_path(f, &mut e, &sock, lac_addr)?;
    session_deleted(f, &mut e, &sock, &mut pppd)?;
    peer_tunnel_deleted(f, &mut pppd);

    // 11. Closing the unit fd deletes the interface.
    drop(e);
    drop(sock);
    std::thread::sleep(Duration::from_millis(200));
    let gone = if_nametoindex(IFNAME).is_err();
    f.check("closing the unit fd deletes its interface", gone, IFNAME);

    // 12. EBUSY from RTM_NEWLINK while other ppp ioctls run.
    let (attempts, busy, other) = concurrent_units(Duration::from_secs(20));
    f.check(
        "RTM_NEWLINK fails with EBUSY while PPPIOCNEWUNIT runs concurrently",
        busy > 0,
        format!("{busy} EBUSY in {attempts} attempts"),
    );
    f.check(
        "no other error from concurrent unit creation",
        other.is_empty(),
        format!("{other:?}"),
    );
    drop((ours, theirs));
    Ok(())
}

/// Both tunnels and sessions, and pppd on the peer's; back in "lns".
fn start(engine: &str) -> Result<Lab, BoxError> {
    let lns_addr: SocketAddrV4 = "10.200.0.1:1701".parse()?;
    let lac_addr: SocketAddrV4 = "10.200.0.2:1701".parse()?;

    enter_netns("lns")?;
    let ours = StaticTunnel::open(lns_addr, lac_addr, OUR_TUNNEL, PEER_TUNNEL)?;
    let sock = ours.session(OUR_SESSION, PEER_SESSION)?;
    fcntl(sock.as_fd(), FcntlArg::F_SETFL(OFlag::O_NONBLOCK))
        .map_err(|e| err(format!("fcntl O_NONBLOCK: {e}")))?;
    enter_netns("lac")?;
    let theirs = StaticTunnel::open(lac_addr, lns_addr, PEER_TUNNEL, OUR_TUNNEL)?;
    let peer_sock = theirs.session(PEER_SESSION, OUR_SESSION)?;
    let args: Vec<String> =
        "nodetach debug logfile /tmp/facts-pppd.log noauth user lac password s3cret noccp noipv6 \
         lcp-restart 1 ipcp-restart 1 chap-restart 1 10.77.0.2:10.77.0.1"
            .split_whitespace()
            .map(String::from)
            .collect();
    let pppd = spawn_engine(engine, peer_sock, None, &args)?;
    enter_netns("lns")?;
    Ok(Lab {
        ours,
        theirs,
        sock,
        lac_addr,
        pppd,
    })
}

/// Facts 1 and 2: the socket before and after PPPIOCGCHAN; the channel's
/// index.
fn socket_then_channel(f: &mut Facts, sock: &PppoL2tpSocket) -> Result<u32, BoxError> {
    // 1. Before PPPIOCGCHAN, pppd's frames queue on the PPPoL2TP socket.
    let mut fds = [PollFd::new(sock.as_fd(), PollFlags::POLLIN)];
    poll(&mut fds, PollTimeout::from(10_000u16)).map_err(|e| err(format!("poll socket: {e}")))?;
    let mut buf = [0u8; 2048];
    let first = sock.recv(&mut buf).map(|n| buf[..n].to_vec());
    match &first {
        Ok(b) => f.check(
            "before PPPIOCGCHAN, frames are read from the PPPoL2TP socket as [protocol][information], FF 03 stripped",
            b.len() >= 6 && b[0..3] == [0xc0, 0x21, 1],
            format!("{} bytes: {:02x?}", b.len(), &b[..b.len().min(8)]),
        ),
        Err(e) => f.check("before PPPIOCGCHAN, frames are read from the PPPoL2TP socket", false, e),
    }

    // 2. PPPIOCGCHAN; reading the socket now fails with EIO.
    let index = sock.channel_index()?;
    let r = sock.recv(&mut buf);
    f.check(
        "after PPPIOCGCHAN, reading the PPPoL2TP socket fails with EIO",
        matches!(r, Err(e) if e.errno() == Errno::EIO),
        format!("{r:?}"),
    );
    Ok(index)
}

/// Fact 3: the channel, a unit named by RTM_NEWLINK, its NP modes and its
/// fd before PPPIOCCONNECT; our engine on them and the unit's number.
fn channel_and_unit(f: &mut Facts, index: u32) -> Result<(Engine, u32), BoxError> {
    let mut buf = [0u8; 2048];
    // 3. Channel and a unit named by RTM_NEWLINK.
    let chan = Channel::attach(index)?;
    let unit = Unattached::open()?.create_named(IFNAME)?;
    let unit_no = unit.number()?;
    let named = if_nametoindex(IFNAME).is_ok();
    let default_name_absent = if_nametoindex(format!("ppp{unit_no}").as_str()).is_err();
    f.check(
        "RTM_NEWLINK kind \"ppp\" with IFLA_PPP_DEV_FD and IFLA_IFNAME creates the unit under that name",
        named && default_name_absent,
        format!("unit {unit_no}, {IFNAME} exists: {named}, ppp{unit_no} absent: {default_name_absent}"),
    );
    let dup = Unattached::open()?.create_named(IFNAME);
    f.check(
        "RTM_NEWLINK with a name that exists fails with EEXIST",
        matches!(dup, Err(ref e) if e.errno() == Errno::EEXIST),
        format!("{:?}", dup.as_ref().map(|_| ()).map_err(|e| e.errno())),
    );
    drop(dup);
    let (ip0, ip60) = (unit.npmode(IP)?, unit.npmode(IPV6)?);
    f.check(
        "a new unit's NP mode is PASS for IP and IPv6",
        ip0 == NpMode::Pass && ip60 == NpMode::Pass,
        format!("IP {ip0:?}, IPv6 {ip60:?}"),
    );
    unit.set_npmode(IP, NpMode::Drop)?;
    unit.set_npmode(IPV6, NpMode::Drop)?;
    let (ip1, ip61) = (unit.npmode(IP)?, unit.npmode(IPV6)?);
    f.check(
        "PPPIOCSNPMODE DROP reads back as DROP",
        ip1 == NpMode::Drop && ip61 == NpMode::Drop,
        format!("IP {ip1:?}, IPv6 {ip61:?}"),
    );
    let mut ufds = [PollFd::new(unit.as_fd(), PollFlags::POLLIN)];
    poll(&mut ufds, PollTimeout::ZERO).map_err(|e| err(format!("poll unit: {e}")))?;
    let readable = ufds[0]
        .revents()
        .is_some_and(|r| r.contains(PollFlags::POLLIN));
    let r = unit.read(&mut buf);
    f.check(
        "an unconnected unit fd polls readable and reads end-of-file (0)",
        readable && matches!(r, Ok(0)),
        format!("readable {readable}, read {r:?}"),
    );
    let r = chan.set_asyncmap(0);
    f.check(
        "PPPIOCSASYNCMAP on a PPPoL2TP channel fails with ENOTTY",
        matches!(r, Err(e) if e.errno() == Errno::ENOTTY),
        format!("{r:?}"),
    );

    let e = Engine {
        chan,
        unit,
        connected: false,
        ack_ipcp: false,
        seen: Vec::new(),
        chan_eof: false,
    };
    Ok((e, unit_no))
}

/// Fact 4: a write to the unconnected unit fd is accepted and dropped.
fn unconnected_unit(f: &mut Facts, e: &mut Engine, our_req: &[u8]) -> Result<(), BoxError> {
    let probe = packet(LCP, 1, 0x77, our_req);
    let w = e.unit.write(&probe);
    let answered = e.pump(Duration::from_millis(2500), |rx| {
        rx.proto == LCP && rx.id == 0x77 && rx.code != 1
    })?;
    f.check(
        "a write to an unconnected unit fd succeeds but never reaches the peer",
        matches!(w, Ok(n) if n == probe.len()) && answered.is_none(),
        format!("write {w:?}, answer {:?}", answered.map(|r| r.describe())),
    );
    Ok(())
}

/// Facts 5 and 6: LCP, CHAP and IPCP over the channel fd before any
/// connect; the CHAP challenge sent.
fn control_before_connect(
    f: &mut Facts,
    e: &mut Engine,
    our_req: &[u8],
) -> Result<Vec<u8>, BoxError> {
    // 5. LCP over the channel fd, before any connect.
    e.send(&packet(LCP, 1, 1, our_req))?;
    let ack = e.pump(Duration::from_secs(10), |rx| {
        rx.proto == LCP && rx.code == 2 && rx.id == 1
    })?;
    f.check(
        "before PPPIOCCONNECT, a control frame written to the channel fd reaches the peer, and LCP is read from the channel fd",
        ack.as_ref().is_some_and(|r| r.fd == "channel"),
        format!("{:?}", ack.map(|r| r.describe())),
    );
    // pppd's own Configure-Request was acknowledged by auto_reply; make sure one was.
    if !e.seen.iter().any(|r| r.proto == LCP && r.code == 1) {
        e.pump(Duration::from_secs(5), |rx| rx.proto == LCP && rx.code == 1)?;
    }

    // 6. CHAP before connect.
    let mut challenge = vec![16u8];
    challenge.extend_from_slice(&[0x42; 16]);
    challenge.extend_from_slice(b"lns");
    e.send(&packet(CHAP, 1, 1, &challenge))?;
    let resp = e.pump(Duration::from_secs(10), |rx| {
        rx.proto == CHAP && rx.code == 2
    })?;
    f.check(
        "before PPPIOCCONNECT, CHAP is read from the channel fd",
        resp.as_ref().is_some_and(|r| r.fd == "channel"),
        format!("{:?}", resp.map(|r| r.describe())),
    );
    e.send(&packet(CHAP, 3, 1, b"ok"))?;
    let ipcp = e.pump(Duration::from_secs(10), |rx| {
        rx.proto == IPCP && rx.code == 1
    })?;
    f.check(
        "before PPPIOCCONNECT, IPCP (every frame) is read from the channel fd",
        ipcp.as_ref().is_some_and(|r| r.fd == "channel"),
        format!("{:?}", ipcp.map(|r| r.describe())),
    );
    Ok(challenge)
}

/// Fact 7, first half: connect; the unit fd reads EAGAIN, and NCP frames
/// now arrive on it.
fn connect(f: &mut Facts, e: &mut Engine, unit_no: u32) -> Result<(), BoxError> {
    let mut buf = [0u8; 2048];
    // 7. Connect; NCP frames now arrive on the unit fd.
    e.chan.connect(unit_no)?;
    e.connected = true;
    let r = e.unit.read(&mut buf);
    f.check(
        "a connected unit fd with nothing queued reads EAGAIN, not end-of-file",
        matches!(r, Err(ref x) if x.errno() == Errno::EAGAIN),
        format!("{r:?}"),
    );
    e.ack_ipcp = true;
    let mut ipcp_req = vec![3, 6];
    ipcp_req.extend_from_slice(&OUR_IP);
    e.send(&packet(IPCP, 1, 1, &ipcp_req))?;
    let ack = e.pump(Duration::from_secs(10), |rx| {
        rx.proto == IPCP && rx.code == 2 && rx.id == 1
    })?;
    f.check(
        "after PPPIOCCONNECT, IPCP is read from the unit fd (and a control frame written to the channel fd still works)",
        ack.as_ref().is_some_and(|r| r.fd == "unit"),
        format!("{:?}", ack.map(|r| r.describe())),
    );
    let req = e.pump(Duration::from_secs(5), |rx| {
        rx.proto == IPCP && rx.code == 1
    })?;
    f.check(
        "after PPPIOCCONNECT, the peer's IPCP Configure-Request is read from the unit fd",
        req.as_ref().is_some_and(|r| r.fd == "unit"),
        format!("{:?}", req.map(|r| r.describe())),
    );
    Ok(())
}

/// Fact 7, second half: LCP and CHAP still arrive on the channel fd, and
/// a control frame written to the unit fd reaches the peer.
fn control_after_connect(f: &mut Facts, e: &mut Engine, challenge: &[u8]) -> Result<(), BoxError> {
    e.send(&packet(LCP, 9, 0x10, &MAGIC.to_be_bytes()))?;
    let echo = e.pump(Duration::from_secs(5), |rx| {
        rx.proto == LCP && rx.code == 10 && rx.id == 0x10
    })?;
    f.check(
        "after PPPIOCCONNECT, LCP is still read from the channel fd",
        echo.as_ref().is_some_and(|r| r.fd == "channel"),
        format!("{:?}", echo.map(|r| r.describe())),
    );
    e.send(&packet(CHAP, 1, 2, challenge))?;
    let resp = e.pump(Duration::from_secs(5), |rx| {
        rx.proto == CHAP && rx.code == 2 && rx.id == 2
    })?;
    f.check(
        "after PPPIOCCONNECT, CHAP is still read from the channel fd",
        resp.as_ref().is_some_and(|r| r.fd == "channel"),
        format!("{:?}", resp.map(|r| r.describe())),
    );
    e.send(&packet(CHAP, 3, 2, b"ok"))?;
    let w = e.unit.write(&packet(LCP, 9, 0x11, &MAGIC.to_be_bytes()));
    let echo = e.pump(Duration::from_secs(5), |rx| {
        rx.proto == LCP && rx.code == 10 && rx.id == 0x11
    })?;
    f.check(
        "after PPPIOCCONNECT, a control frame written to the unit fd reaches the peer too",
        w.is_ok() && echo.is_some(),
        format!("write {w:?}, reply {:?}", echo.map(|r| r.describe())),
    );
    let stray: Vec<String> = e
        .seen
        .iter()
        .filter(|r| r.proto >= 0xc000 && r.fd != "channel")
        .map(|r| r.describe())
        .collect();
    f.check(
        "LCP and CHAP never arrived on the unit fd",
        stray.is_empty(),
        format!("{stray:?}"),
    );
    Ok(())
}

/// Fact 8: the data path and the NP mode, and the session socket's
/// counters and peer.
fn data_path(
    f: &mut Facts,
    e: &mut Engine,
    sock: &PppoL2tpSocket,
    lac_addr: SocketAddrV4,
) -> Result<(), BoxError> {
    // 8. Data path and NP mode.
    let up = ip(&format!(
        "addr add 10.77.0.1 peer {PEER_IP}/32 dev {IFNAME}"
    )) && ip(&format!("link set {IFNAME} up"));
    f.check(
        "the unit's interface takes an address and comes up",
        up,
        IFNAME,
    );
    // Let pppd finish IPCP (it acks ours, we acked its request) before pinging.
    e.pump(Duration::from_millis(1500), |_| false)?;
    let dropped = !ping(1, 1);
    f.check(
        "with NP mode DROP for IP, a ping across the link gets no answer",
        dropped,
        "ping -c 1 -W 1",
    );
    e.unit.set_npmode(IP, NpMode::Pass)?;
    let passed = ping(2, 3);
    f.check(
        "with NP mode PASS for IP, ping across the link works",
        passed,
        "ping -c 2 -W 3",
    );
    let st = sock.stats()?;
    f.check(
        "PPPIOCGL2TPSTATS on the session socket returns the session's counters",
        st.tunnel_id == OUR_TUNNEL
            && st.session_id == OUR_SESSION
            && st.rx_packets > 0
            && st.tx_packets > 0,
        format!("{st:?}"),
    );
    let peer = sock.peer_addr()?;
    f.check(
        "getpeername on the session socket gives both ends' tunnel and session ids",
        peer.tunnel_id == OUR_TUNNEL
            && peer.session_id == OUR_SESSION
            && peer.peer_tunnel_id == PEER_TUNNEL
            && peer.peer_session_id == PEER_SESSION
            && peer.peer == lac_addr,
        format!("{peer:?}"),
    );
    Ok(())
}

/// Fact 9: deleting the session in the kernel: what do our fds see?
fn session_deleted(
    f: &mut Facts,
    e: &mut Engine,
    sock: &PppoL2tpSocket,
    pppd: &mut Child,
) -> Result<(), BoxError> {
    let mut buf = [0u8; 2048];
    // 9. Deleting the session in the kernel: what do our fds see?
    let deleted = ip(&format!(
        "l2tp del session tunnel_id {OUR_TUNNEL} session_id {OUR_SESSION}"
    ));
    f.check(
        "ip l2tp del session succeeds on a PPPoL2TP session",
        deleted,
        "",
    );
    let mut pf = [
        PollFd::new(e.chan.as_fd(), PollFlags::POLLIN),
        PollFd::new(sock.as_fd(), PollFlags::POLLIN),
    ];
    let n = poll(&mut pf, PollTimeout::from(3000u16)).map_err(|x| err(format!("poll: {x}")))?;
    let chan_ev = pf[0].revents().unwrap_or(PollFlags::empty());
    let sock_ev = pf[1].revents().unwrap_or(PollFlags::empty());
    let r = e.chan.read(&mut buf);
    println!("  after the session's deletion: poll -> {n}, channel revents {chan_ev:?}, socket revents {sock_ev:?}, channel read {r:?}");
    // Debian 12's kernel (6.1) only unhashes the session: the ppp channel
    // stays registered, so nothing is signalled on the channel fd (no HUP,
    // no end-of-file) and the link is simply dead.
    f.check(
        "deleting the session signals nothing on the channel fd (no POLLHUP, no end-of-file); DESIGN.md expected HUP",
        !chan_ev.contains(PollFlags::POLLHUP) && matches!(r, Err(ref x) if x.errno() == Errno::EAGAIN),
        format!("channel revents {chan_ev:?}, read {r:?}"),
    );
    let still = pppd.try_wait().ok().flatten().is_none();
    f.check(
        "the peer's pppd is still running (nothing told it either)",
        still,
        "",
    );
    Ok(())
}

/// Fact 10: the peer's tunnel deleted: pppd gets no hangup either.
fn peer_tunnel_deleted(f: &mut Facts, pppd: &mut Child) {
    ip("netns exec lac /sbin/ip l2tp del tunnel tunnel_id 400");
    let code = wait_exit(pppd, Duration::from_secs(4));
    f.check(
        "deleting the peer's tunnel does not end its pppd (no hangup, exit 16, within 4 s)",
        code.is_none(),
        format!("exit {code:?}"),
    );
    if code.is_none() {
        let _ = nix::sys::signal::kill(
            Pid::from_raw(pppd.id() as i32),
            nix::sys::signal::Signal::SIGTERM,
        );
        // Not a kernel fact, recorded for the report: pppd on a dead
        // session still ends on SIGTERM once its Terminate-Requests time out.
        let code = wait_exit(pppd, Duration::from_secs(15));
        println!("  pppd on the dead session, after SIGTERM: exit {code:?}");
        if code.is_none() {
            let _ = pppd.kill();
            let _ = pppd.wait();
        }
    }
}
