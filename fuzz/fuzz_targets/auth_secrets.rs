//! The secrets-file parser: never panics, and an error names a line that
//! exists. The first octet picks what the `@/path` reader returns; lookups
//! run with names taken from the file itself, and always find a line.
#![no_main]

use std::net::Ipv4Addr;

use libfuzzer_sys::fuzz_target;
use rppp_auth::Secrets;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, text)) = data.split_first() else { return };
    let mut read = |path: &str| -> Result<Vec<u8>, String> {
        match mode % 3 {
            0 => Err(format!("{path}: no such file")),
            1 => Ok(Vec::new()),
            _ => Ok(text.get(..16).unwrap_or(text).to_vec()),
        }
    };
    let lines = text.iter().filter(|&&c| c == b'\n').count() + 1;
    match Secrets::parse("fuzz-secrets", text, &mut read) {
        Ok(secrets) => {
            for entry in secrets.entries() {
                assert!(entry.line >= 1 && entry.line <= lines);
            }
            // Lookups for the first few entries keep the target linear.
            for entry in secrets.entries().iter().take(8) {
                let found = secrets.lookup(&entry.client, &entry.server).expect("its own line");
                let _ = found.addresses.to_string();
                for addr in [Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(192, 0, 2, 77)] {
                    let _ = found.addresses.permits(addr, Some(u32::from(mode)));
                }
                let _ = found.addresses.suggested_remote(None, Some(u32::MAX));
                let _ = found.addresses.allows_none();
            }
        }
        Err(e) => {
            assert!(e.line >= 1 && e.line <= lines, "{e}");
            let _ = e.to_string();
        }
    }
});
