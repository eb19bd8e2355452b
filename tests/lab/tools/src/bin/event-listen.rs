//! event-listen: stand in for openl2tpd's event socket and record what a
//! PPP engine sends to it.
//!
//! pppd's `openl2tp.so` plugin sends one PF_UNIX datagram per event to
//! `/tmp/openl2tp-event.sock`: a header `{u32 signature 0x6b6c7831, u16 type,
//! u16 length}` and TLVs `{u16 type, u16 length, value}` padded to 4 bytes,
//! all in host byte order (type 1: PPP up/down, type 2: ACCM). This binds
//! the socket, writes each datagram to `<out>/event-<n>.raw` as it came and
//! to `<out>/event-<n>.bin` with its TLV padding zeroed (pppd leaves
//! whatever was on its stack there, so only the zeroed form can be compared
//! byte for byte), prints it decoded, and exits once `--count` datagrams
//! arrived (exit 0) or `--timeout` seconds passed (exit 1).
#![forbid(unsafe_code)]

use std::os::unix::net::UnixDatagram;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use rppp_lab::{err, BoxError};

const SIGNATURE: u32 = 0x6b6c_7831;

/// The datagram with the padding after each TLV value set to zero.
fn zero_padding(d: &[u8]) -> Vec<u8> {
    let mut z = d.to_vec();
    let mut o = 8;
    while let Some(h) = d.get(o..o + 4) {
        let l = usize::from(u16::from_ne_bytes([h[2], h[3]]));
        let (value_end, next) = (o + 4 + l, o + 4 + l.div_ceil(4) * 4);
        if value_end > d.len() {
            break;
        }
        for b in &mut z[value_end..next.min(d.len())] {
            *b = 0;
        }
        o = next;
    }
    z
}

/// A readable rendering of one datagram; never panics on malformed input.
fn describe(d: &[u8]) -> String {
    let u16_at = |o: usize| d.get(o..o + 2).map(|b| u16::from_ne_bytes([b[0], b[1]]));
    let u32_at = |o: usize| {
        d.get(o..o + 4)
            .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (Some(sig), Some(kind), Some(len)) = (u32_at(0), u16_at(4), u16_at(6)) else {
        return format!("short datagram ({} bytes)", d.len());
    };
    let name = match kind {
        1 => "PPP_UPDOWN_IND",
        2 => "PPP_ACCM_IND",
        _ => "unknown",
    };
    let mut s = format!(
        "signature {}, type {kind} ({name}), length {len} of {} bytes:",
        if sig == SIGNATURE { "ok" } else { "WRONG" },
        d.len()
    );
    let mut o = 8;
    while let (Some(t), Some(l)) = (u16_at(o), u16_at(o + 2)) {
        let l = usize::from(l);
        let Some(v) = d.get(o + 4..o + 4 + l) else {
            s.push_str(&format!(" [tlv {t}: truncated]"));
            break;
        };
        let text = if !v.is_empty() && v.iter().all(|&b| b == 0 || b.is_ascii_graphic()) {
            format!(" {:?}", String::from_utf8_lossy(v).trim_end_matches('\0'))
        } else {
            String::new()
        };
        s.push_str(&format!(" [tlv {t} len {l}: {v:02x?}{text}]"));
        o += 4 + l.div_ceil(4) * 4;
    }
    s
}

fn run() -> Result<bool, BoxError> {
    let mut socket = "/tmp/openl2tp-event.sock".to_string();
    let mut out = String::new();
    let mut count = 0usize;
    let mut timeout = 60u64;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let v = args
            .next()
            .ok_or_else(|| err(format!("{flag} needs a value")))?;
        match flag.as_str() {
            "--socket" => socket = v,
            "--out" => out = v,
            "--count" => count = v.parse().map_err(|e| err(format!("--count {v}: {e}")))?,
            "--timeout" => timeout = v.parse().map_err(|e| err(format!("--timeout {v}: {e}")))?,
            _ => return Err(err(format!("unknown argument {flag}"))),
        }
    }
    if out.is_empty() || count == 0 {
        return Err(err(
            "usage: event-listen --out DIR --count N [--socket PATH] [--timeout SECS]",
        ));
    }
    std::fs::create_dir_all(&out).map_err(|e| err(format!("create {out}: {e}")))?;
    // A socket file left by an earlier run would make bind fail.
    let _ = std::fs::remove_file(&socket);
    let sock = UnixDatagram::bind(&socket).map_err(|e| err(format!("bind {socket}: {e}")))?;
    println!("LISTENING {socket}");
    let end = Instant::now() + Duration::from_secs(timeout);
    let mut buf = [0u8; 4096];
    let mut n = 0;
    while n < count {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            println!("TIMEOUT after {n} of {count} datagrams");
            return Ok(false);
        }
        sock.set_read_timeout(Some(left))
            .map_err(|e| err(format!("set_read_timeout: {e}")))?;
        match sock.recv(&mut buf) {
            Ok(len) => {
                n += 1;
                let raw = format!("{out}/event-{n}.raw");
                std::fs::write(&raw, &buf[..len]).map_err(|e| err(format!("write {raw}: {e}")))?;
                let path = format!("{out}/event-{n}.bin");
                std::fs::write(&path, zero_padding(&buf[..len]))
                    .map_err(|e| err(format!("write {path}: {e}")))?;
                println!("EVENT {n}: {}", describe(&buf[..len]));
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(err(format!("recv {socket}: {e}"))),
        }
    }
    let _ = std::fs::remove_file(&socket);
    Ok(true)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("event-listen: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_a_datagram_and_survives_garbage() {
        let mut d = SIGNATURE.to_ne_bytes().to_vec();
        d.extend_from_slice(&2u16.to_ne_bytes());
        d.extend_from_slice(&8u16.to_ne_bytes());
        d.extend_from_slice(&1u16.to_ne_bytes());
        d.extend_from_slice(&2u16.to_ne_bytes());
        d.extend_from_slice(&[0x64, 0, 0, 0]);
        let s = describe(&d);
        assert!(
            s.contains("PPP_ACCM_IND") && s.contains("tlv 1 len 2"),
            "{s}"
        );
        for n in 0..d.len() {
            let _ = describe(&d[..n]);
        }
        let _ = describe(&[0xff; 13]);
    }

    #[test]
    fn padding_is_zeroed_and_nothing_else() {
        let mut d = SIGNATURE.to_ne_bytes().to_vec();
        d.extend_from_slice(&1u16.to_ne_bytes());
        d.extend_from_slice(&16u16.to_ne_bytes());
        d.extend_from_slice(&[6, 0, 1, 0, 0x01, 0xaa, 0xbb, 0xcc]); // u8 value, 3 bytes of junk
        d.extend_from_slice(&[4, 0, 3, 0, b'a', b'b', 0, 0xdd]); // "ab\0", 1 byte of junk
        let z = zero_padding(&d);
        assert_eq!(&z[..13], &d[..13]);
        assert_eq!(&z[13..16], &[0, 0, 0]);
        assert_eq!(&z[16..23], &d[16..23]);
        assert_eq!(z[23], 0);
        for n in 0..d.len() {
            assert_eq!(zero_padding(&d[..n]).len(), n);
        }
    }
}
