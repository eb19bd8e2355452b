//! What the builds without rtnetlink read of the network namespace in
//! `/proc/net` (always the reading process's namespace):
//!
//! - `route`: the main table's IPv4 routes as the kernel prints them
//!   (`fib_route_seq_show`), which pppd reads for `defaultroute` and
//!   `replacedefaultroute` (sys-linux.c, `defaultroute_exists`). After a
//!   header line, one route a line, tab-separated: `Iface Destination
//!   Gateway Flags RefCnt Use Metric Mask MTU Window IRTT`, the addresses
//!   as the hex of the 32-bit word in memory order.
//! - `dev`: each interface's counters (`dev_seq_printf_stats`), 64-bit:
//!   `name: rx_bytes rx_packets errs drop fifo frame compressed multicast
//!   tx_bytes tx_packets ...`.

use std::net::Ipv4Addr;

/// The route flags (`route.h`) a line carries.
pub use libc::{RTF_GATEWAY, RTF_REJECT, RTF_UP};

/// One line of `/proc/net/route`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcRoute {
    /// The interface's name (`*` for none).
    pub iface: String,
    /// The destination network.
    pub destination: Ipv4Addr,
    /// The gateway (0.0.0.0 for none).
    pub gateway: Ipv4Addr,
    /// The `RTF_*` flags (`RTF_REJECT`: an unreachable, prohibit or
    /// blackhole route).
    pub flags: u16,
    /// The metric (the kernel's priority).
    pub metric: u32,
    /// The destination's netmask.
    pub mask: Ipv4Addr,
}

impl ProcRoute {
    /// Whether this is a usable default route (0.0.0.0/0, up, not a
    /// reject route).
    pub fn is_default(&self) -> bool {
        self.destination.is_unspecified()
            && self.mask.is_unspecified()
            && self.flags & RTF_UP != 0
            && self.flags & RTF_REJECT == 0
    }

    /// The gateway, if the route has one.
    pub fn gateway(&self) -> Option<Ipv4Addr> {
        (self.flags & RTF_GATEWAY != 0).then_some(self.gateway)
    }
}

/// The address the kernel printed as the hex of its in-memory word.
fn address(field: &str) -> Option<Ipv4Addr> {
    if field.len() != 8 || !field.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let word = u32::from_str_radix(field, 16).ok()?;
    // The kernel printed the __be32 as a host-order integer: its bytes
    // in memory are the address's, in order.
    Some(Ipv4Addr::from(word.to_ne_bytes()))
}

/// The routes of `text` (the whole of `/proc/net/route`). Lines that are
/// not routes (the header, anything malformed) are left out.
pub fn routes(text: &str) -> Vec<ProcRoute> {
    text.lines().filter_map(parse_line).collect()
}

/// An interface's counters in `/proc/net/dev`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DevCounters {
    /// Bytes received.
    pub rx_bytes: u64,
    /// Packets received.
    pub rx_packets: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Packets sent.
    pub tx_packets: u64,
}

/// Interface `name`'s counters in `text` (the whole of `/proc/net/dev`),
/// if it has a well-formed line there.
pub fn dev_counters(text: &str, name: &str) -> Option<DevCounters> {
    text.lines().find_map(|line| {
        let (iface, counters) = line.split_once(':')?;
        if iface.trim() != name {
            return None;
        }
        let n: Vec<u64> = counters
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        match n[..] {
            [rx_bytes, rx_packets, _, _, _, _, _, _, tx_bytes, tx_packets, ..] => {
                Some(DevCounters {
                    rx_bytes,
                    rx_packets,
                    tx_bytes,
                    tx_packets,
                })
            }
            _ => None,
        }
    })
}

fn parse_line(line: &str) -> Option<ProcRoute> {
    let mut f = line.split_whitespace();
    let iface = f.next()?.to_string();
    let destination = address(f.next()?)?;
    let gateway = address(f.next()?)?;
    let flags = u16::from_str_radix(f.next()?, 16).ok()?;
    let _refcnt = f.next()?;
    let _use = f.next()?;
    let metric = f.next()?.parse().ok()?;
    let mask = address(f.next()?)?;
    Some(ProcRoute {
        iface,
        destination,
        gateway,
        flags,
        metric,
        mask,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Word `a.b.c.d` as this machine's kernel prints it.
    fn hex(a: Ipv4Addr) -> String {
        format!("{:08X}", u32::from_ne_bytes(a.octets()))
    }

    #[test]
    fn reads_the_default_routes_and_their_gateways() {
        let gw = Ipv4Addr::new(192, 168, 1, 1);
        let net = Ipv4Addr::new(192, 168, 1, 0);
        let text = format!(
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
             eth0\t00000000\t{}\t0003\t0\t0\t100\t00000000\t0\t0\t0\n\
             eth0\t{}\t00000000\t0001\t0\t0\t0\t{}\t0\t0\t0\n\
             ppp0\t00000000\t00000000\t0001\t0\t0\t5\t00000000\t0\t0\t0\n\
             *\t00000000\t00000000\t0201\t0\t0\t9\t00000000\t0\t0\t0\n",
            hex(gw),
            hex(net),
            hex(Ipv4Addr::new(255, 255, 255, 0))
        );
        let routes = routes(&text);
        assert_eq!(routes.len(), 4, "the header is not a route");
        let defaults: Vec<_> = routes.iter().filter(|r| r.is_default()).collect();
        assert_eq!(defaults.len(), 2, "the reject route is no default route");
        assert_eq!(defaults[0].gateway(), Some(gw));
        assert_eq!(defaults[0].metric, 100);
        assert_eq!(defaults[1].iface, "ppp0");
        assert_eq!(defaults[1].gateway(), None);
        assert_eq!(routes[1].destination, net);
    }

    #[test]
    fn malformed_lines_are_left_out() {
        for line in [
            "",
            "eth0",
            "eth0\t0000000\t00000000\t0003\t0\t0\t0\t00000000",
            "eth0\t00000000\t0000000G\t0003\t0\t0\t0\t00000000",
            "eth0\t00000000\t00000000\tFFFFF\t0\t0\t0\t00000000",
            "eth0\t00000000\t00000000\t0003\t0\t0\t-1\t00000000",
            "eth0\t00000000\t00000000\t0003\t0\t0\t0",
            "eth0\t+0000000\t00000000\t0003\t0\t0\t0\t00000000",
        ] {
            assert_eq!(routes(line), [], "{line:?}");
        }
    }

    #[test]
    fn reads_an_interfaces_counters() {
        let text = "Inter-|   Receive                                                |  Transmit\n \
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    \
 lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0\n  \
 ppp0: 5000000000 7 0 0 0 0 0 0 9 3 0 0 0 0 0 0\n";
        assert_eq!(
            dev_counters(text, "ppp0"),
            Some(DevCounters {
                rx_bytes: 5_000_000_000,
                rx_packets: 7,
                tx_bytes: 9,
                tx_packets: 3
            })
        );
        assert_eq!(dev_counters(text, "ppp1"), None);
        assert_eq!(dev_counters("ppp0: 1 2 3", "ppp0"), None);
        assert_eq!(dev_counters("ppp0: 1 2 3 4 5 6 7 8 9 x", "ppp0"), None);
    }
}
