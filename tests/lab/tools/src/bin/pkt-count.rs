//! pkt-count: count the frames an interface receives, by protocol, with an
//! AF_PACKET socket, for a while. It sees every frame the interface hands
//! to the network stack (what `ip link` would call delivered), before any
//! address or route lookup, so a frame that shows nowhere here was never
//! delivered by the interface.
//!
//! ```text
//! pkt-count --netns NAME --ifname IF --seconds S
//! ```
//!
//! Prints `LISTENING` once the socket is open (start the traffic after
//! that), then at the end one line
//! `PKT ifname=IF ipv4=N ipv6=N other=N` counting received frames only
//! (not the ones the host sends).
#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::time::{Duration, Instant};

use nix::net::if_::if_nametoindex;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::socket::{
    recvfrom, socket, AddressFamily, LinkAddr, SockFlag, SockProtocol, SockType,
};
use rppp_lab::{enter_netns, err, BoxError};

/// `PACKET_OUTGOING` of `if_packet.h`: a frame this host sent.
const PACKET_OUTGOING: u8 = 4;
const ETH_P_IP: u16 = 0x0800;
const ETH_P_IPV6: u16 = 0x86dd;

fn run() -> Result<(), BoxError> {
    let mut netns = None;
    let mut ifname = None;
    let mut seconds = 5u64;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| err(format!("{flag} needs a value")))?;
        match flag.as_str() {
            "--netns" => netns = Some(value),
            "--ifname" => ifname = Some(value),
            "--seconds" => {
                seconds = value
                    .parse()
                    .map_err(|e| err(format!("--seconds {value}: {e}")))?
            }
            _ => return Err(err("usage: pkt-count --netns NAME --ifname IF --seconds S")),
        }
    }
    let ifname = ifname.ok_or_else(|| err("--ifname is required"))?;
    if let Some(ns) = &netns {
        enter_netns(ns)?;
    }
    let index = if_nametoindex(ifname.as_str())
        .map_err(|e| err(format!("if_nametoindex({ifname}): {e}")))?;
    let sock = socket(
        AddressFamily::Packet,
        SockType::Datagram,
        SockFlag::SOCK_CLOEXEC,
        SockProtocol::EthAll,
    )
    .map_err(|e| err(format!("socket(AF_PACKET, SOCK_DGRAM, ETH_P_ALL): {e}")))?;
    println!("LISTENING ifname={ifname} index={index}");
    let (mut v4, mut v6, mut other) = (0u64, 0u64, 0u64);
    let end = Instant::now() + Duration::from_secs(seconds);
    let mut buf = vec![0u8; 65536];
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        let ms = u16::try_from(left.as_millis().max(1)).unwrap_or(u16::MAX);
        let mut fds = [PollFd::new(
            std::os::fd::AsFd::as_fd(&sock),
            PollFlags::POLLIN,
        )];
        if poll(&mut fds, PollTimeout::from(ms)).map_err(|e| err(format!("poll: {e}")))? == 0 {
            continue;
        }
        let (_, from) = recvfrom::<LinkAddr>(std::os::fd::AsRawFd::as_raw_fd(&sock), &mut buf)
            .map_err(|e| err(format!("recvfrom(AF_PACKET): {e}")))?;
        let Some(from) = from else { continue };
        if from.ifindex() != index as usize || from.pkttype() == PACKET_OUTGOING {
            continue;
        }
        match u16::from_be(from.protocol()) {
            ETH_P_IP => v4 += 1,
            ETH_P_IPV6 => v6 += 1,
            _ => other += 1,
        }
    }
    println!("PKT ifname={ifname} ipv4={v4} ipv6={v6} other={other}");
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pkt-count: {e}");
            ExitCode::from(1)
        }
    }
}
