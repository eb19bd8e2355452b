//! pppd radius plugin configuration parsers: radiusclient.conf, the
//! servers file, radrealms.so's realms file and dictionaries (every `$INCLUDE` answers with the same
//! text, so the depth limit is exercised). Never panics; Display of every
//! error never panics and names the file.
#![no_main]

use std::io;

use libfuzzer_sys::fuzz_target;
use rppp_radius::config::{Dictionary, RadiusClientConf, Realms, ServersFile};

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
    match Realms::parse("realms", &text) {
        // Every realm's configuration derives from a conf without
        // failing, and holds the realm's servers.
        Ok(r) => {
            let conf = RadiusClientConf::default();
            for realm in r.realms() {
                let c = r.conf_for(&conf, Some(realm)).expect("a realm the file names");
                assert!(!c.auth_servers.is_empty() || !c.acct_servers.is_empty());
            }
        }
        Err(e) => assert!(e.to_string().starts_with("realms:")),
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
