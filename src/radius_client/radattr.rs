//! pppd's `plugin radattr.so`: the Access-Accept's attributes written to
//! `/var/run/radattr.<ifname>`, one `Name Value` line each, before the
//! network comes up, so that `ip-up` (and `ip-down`) scripts can act on
//! what the server said (a Filter-Id, a vendor's rate limit); the file is
//! removed when the session ends.
//!
//! Names and value names come from the radiusclient dictionary, values
//! are written as radiusclient's `rc_avpair_tostr` writes them (printable
//! text as is, other octets as `\ooo`; integers by their VALUE name when
//! the dictionary has one). Attributes the dictionary does not name are
//! left out, and so are the ones that carry keys or proofs
//! (Message-Authenticator, MS-MPPE-Send-Key and -Recv-Key, any attribute
//! the dictionary marks `encrypt=`): the file is for scripts, not a copy
//! of secrets.

use std::fmt::Write as _;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;
use std::sync::Arc;

use rppp_radius::config::{AttributeDef, DataType, Dictionary};
use rppp_radius::{AttributeType, MicrosoftType, Packet, VENDOR_MICROSOFT};

use crate::driver::file_replace;

/// Where pppd's plugin writes the files.
pub const DEFAULT_DIR: &str = "/var/run";

/// `radattr.so` for a session: the dictionary to name attributes with and
/// the directory the file goes in.
#[derive(Debug, Clone)]
pub struct Radattr {
    /// The client's dictionary.
    pub dictionary: Arc<Dictionary>,
    /// [`DEFAULT_DIR`], or a test's own.
    pub dir: PathBuf,
}

impl Radattr {
    /// The file of interface `ifname`.
    pub fn path(&self, ifname: &str) -> PathBuf {
        self.dir.join(format!("radattr.{ifname}"))
    }

    /// Writes `packet`'s attributes for `ifname` (mode 0600: a Class or
    /// a user's limits are the operator's business), replacing the file
    /// at once; its path.
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn write(&self, ifname: &str, packet: &Packet<'_>) -> io::Result<PathBuf> {
        let path = self.path(ifname);
        let text = render(packet, &self.dictionary);
        file_replace::replace(&path, text.as_bytes(), 0o600)?;
        Ok(path)
    }
}

/// Every attribute of `packet` the dictionary names, as `Name Value`
/// lines; see the module.
pub fn render(packet: &Packet<'_>, dictionary: &Dictionary) -> String {
    let mut out = String::new();
    for a in packet.attributes() {
        let t = a.attribute_type();
        if t == AttributeType::MessageAuthenticator {
            continue;
        }
        if t == AttributeType::VendorSpecific {
            let Ok(vsa) = a.as_vendor_specific() else {
                continue;
            };
            let Ok(subs) = vsa.attributes() else {
                continue;
            };
            for sub in subs {
                let key = vsa.vendor_id() == VENDOR_MICROSOFT
                    && matches!(
                        MicrosoftType::from(sub.vendor_type),
                        MicrosoftType::MsMppeSendKey | MicrosoftType::MsMppeRecvKey
                    );
                let def = dictionary.attribute(Some(vsa.vendor_id()), u32::from(sub.vendor_type));
                if let (false, Some(def)) = (key, def) {
                    line(&mut out, def, sub.value, dictionary);
                }
            }
            continue;
        }
        if let Some(def) = dictionary.attribute(None, u32::from(u8::from(t))) {
            line(&mut out, def, a.value(), dictionary);
        }
    }
    out
}

fn line(out: &mut String, def: &AttributeDef, value: &[u8], dictionary: &Dictionary) {
    if def.encrypt.is_some() {
        return;
    }
    let _ = writeln!(out, "{} {}", def.name, text(def, value, dictionary));
}

/// A value as `rc_avpair_tostr` writes it.
fn text(def: &AttributeDef, value: &[u8], dictionary: &Dictionary) -> String {
    let integer = || <[u8; 4]>::try_from(value).ok().map(u32::from_be_bytes);
    match def.data_type {
        DataType::Integer | DataType::Date => match integer() {
            Some(n) => dictionary
                .value_name(&def.name, n)
                .map_or_else(|| n.to_string(), str::to_string),
            None => escaped(value),
        },
        DataType::IpAddr => <[u8; 4]>::try_from(value)
            .map_or_else(|_| escaped(value), |o| Ipv4Addr::from(o).to_string()),
        DataType::Ipv6Addr => <[u8; 16]>::try_from(value)
            .map_or_else(|_| escaped(value), |o| Ipv6Addr::from(o).to_string()),
        _ => escaped(value),
    }
}

/// Printable ASCII as is, every other octet as `\ooo`.
fn escaped(value: &[u8]) -> String {
    let mut s = String::with_capacity(value.len());
    for &b in value {
        if b.is_ascii_graphic() || b == b' ' {
            s.push(char::from(b));
        } else {
            let _ = write!(s, "\\{b:03o}");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict() -> Dictionary {
        let mut no_includes =
            |_: &str, _: &str| -> io::Result<(String, String)> { Err(io::Error::other("none")) };
        Dictionary::parse("dictionary", DICT, &mut no_includes).unwrap()
    }
    use rppp_radius::{Code, PacketBuilder, SharedSecret};

    const DICT: &str = "ATTRIBUTE Framed-IP-Address 8 ipaddr
ATTRIBUTE Filter-Id 11 string
ATTRIBUTE Session-Timeout 27 integer
ATTRIBUTE Service-Type 6 integer
ATTRIBUTE Message-Authenticator 80 string
VALUE Service-Type Framed-User 2
VENDOR Microsoft 311
ATTRIBUTE MS-MPPE-Send-Key 16 string Microsoft
ATTRIBUTE MS-Primary-DNS-Server 28 ipaddr Microsoft
VENDOR Mikrotik 14988
ATTRIBUTE Mikrotik-Rate-Limit 8 string Mikrotik
";

    #[test]
    fn named_attributes_as_lines_without_keys() {
        let dict = dict();
        let mut b = PacketBuilder::new(Code::AccessAccept, 1);
        b.add_u32(AttributeType::ServiceType, 2).unwrap();
        b.add_ipv4(AttributeType::FramedIpAddress, Ipv4Addr::new(10, 0, 0, 9))
            .unwrap();
        b.add_text(AttributeType::FilterId, "std.in\n").unwrap();
        b.add_u32(AttributeType::SessionTimeout, 3600).unwrap();
        b.add_u32(AttributeType::IdleTimeout, 60).unwrap();
        b.add_vendor(VENDOR_MICROSOFT, 28, &[192, 0, 2, 53])
            .unwrap();
        b.add_vendor(VENDOR_MICROSOFT, 16, &[0x80, 1, 2, 3])
            .unwrap();
        b.add_vendor(14988, 8, b"10M/10M").unwrap();
        let bytes = b.finish(&SharedSecret::new("s"), Some(&[0; 16])).unwrap();
        let text = render(&Packet::parse(&bytes).unwrap(), &dict);
        assert_eq!(
            text,
            "Service-Type Framed-User
Framed-IP-Address 10.0.0.9
Filter-Id std.in\\012
Session-Timeout 3600
MS-Primary-DNS-Server 192.0.2.53
Mikrotik-Rate-Limit 10M/10M
"
        );
    }

    #[test]
    fn the_file_is_private_and_replaced_whole() {
        let dir = std::env::temp_dir().join(format!("rppp-radattr-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let r = Radattr {
            dictionary: Arc::new(dict()),
            dir: dir.clone(),
        };
        let mut b = PacketBuilder::new(Code::AccessAccept, 1);
        b.add_text(AttributeType::FilterId, "gold").unwrap();
        let bytes = b.finish(&SharedSecret::new("s"), Some(&[0; 16])).unwrap();
        let path = r.write("ppp7", &Packet::parse(&bytes).unwrap()).unwrap();
        assert_eq!(path, dir.join("radattr.ppp7"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "Filter-Id gold\n");
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
