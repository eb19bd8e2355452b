//! pppd radius plugin configuration parsers: radiusclient.conf, the
//! servers file and dictionaries (every `$INCLUDE` answers with the same
//! text, so the depth limit is exercised). Never panics; Display of every
//! error never panics and names the file.
#![no_main]

use std::io;

use libfuzzer_sys::fuzz_target;
use rppp_radius::config::{Dictionary, RadiusClientConf, ServersFile};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = RadiusClientConf::parse("radiusclient.conf", &text) {
        assert!(e.to_string().starts_with("radiusclient.conf:"));
    }
    match ServersFile::parse("servers", &text) {
        Ok(s) => {
            for e in &s.entries {
                let _ = s.secret_for(&e.host, e.port.unwrap_or(1812));
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    let body = text.to_string();
    let mut resolver = |_: &str, path: &str| -> io::Result<(String, String)> {
        Ok((path.to_owned(), body.clone()))
    };
    match Dictionary::parse("dictionary", &text, &mut resolver) {
        Ok(d) => {
            for a in &d.attributes {
                let _ = d.attribute(a.vendor, a.number);
                let _ = d.attribute_by_name(&a.name);
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
