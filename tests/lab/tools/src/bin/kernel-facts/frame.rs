//! The frames kernel-facts sends and receives:
//! `[protocol: u16 BE][code][id][len: u16 BE][data]`.

use crate::{CHAP, IPCP, IPV6CP, LCP};

/// A received frame and the fd it came from.
#[derive(Debug, Clone)]
pub(crate) struct Rx {
    pub(crate) fd: &'static str,
    pub(crate) proto: u16,
    pub(crate) code: u8,
    pub(crate) id: u8,
    pub(crate) data: Vec<u8>,
}

impl Rx {
    pub(crate) fn parse(fd: &'static str, b: &[u8]) -> Option<Rx> {
        if b.len() < 6 {
            return None;
        }
        let proto = u16::from_be_bytes([b[0], b[1]]);
        let len = usize::from(u16::from_be_bytes([b[4], b[5]]));
        let end = len.clamp(4, b.len() - 2) + 2;
        Some(Rx {
            fd,
            proto,
            code: b[2],
            id: b[3],
            data: b[6..end].to_vec(),
        })
    }

    pub(crate) fn describe(&self) -> String {
        let name = match self.proto {
            LCP => "LCP",
            CHAP => "CHAP",
            IPCP => "IPCP",
            IPV6CP => "IPV6CP",
            _ => "proto",
        };
        format!(
            "{} {name}(0x{:04x}) code={} id={} len={}",
            self.fd,
            self.proto,
            self.code,
            self.id,
            self.data.len()
        )
    }
}

/// A frame of `proto` with `code`, `id` and `data`.
pub(crate) fn packet(proto: u16, code: u8, id: u8, data: &[u8]) -> Vec<u8> {
    let mut p = proto.to_be_bytes().to_vec();
    p.extend_from_slice(&[code, id]);
    p.extend_from_slice(&((data.len() + 4) as u16).to_be_bytes());
    p.extend_from_slice(data);
    p
}
