//! xl2tpd's control pipe: any bytes, cut into messages at any points,
//! never panic; every error renders as one answer line with code 01; a
//! message cut into chunks parses as it does whole; a request written
//! back out parses as itself; the settings of `a` and `z` always make
//! one section of xl2tpd.conf, never another.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rppp::l2tpd::config::{self, ErrorKind};
use rppp::l2tpd::control::{Framer, Message, Reply, Request, SectionKind};

fuzz_target!(|data: &[u8]| {
    // The first byte picks where the stream is cut.
    let (cut, data) = match data.split_first() {
        Some((&cut, rest)) => (usize::from(cut).max(1), rest),
        None => return,
    };

    let message = Message::parse(data);
    check(&message);

    let mut whole = Framer::new();
    whole.push(data);
    whole.flush();
    let mut chunked = Framer::new();
    for chunk in data.chunks(cut) {
        chunked.push(chunk);
    }
    chunked.flush();
    loop {
        let (a, b) = (whole.next_message(), chunked.next_message());
        assert_eq!(a, b);
        match a {
            Some(m) => check(&m),
            None => break,
        }
    }
    assert!(!whole.is_partial());
});

fn check(message: &Message) {
    if let Some(to) = &message.reply_to {
        assert!(to.path().is_absolute());
    }
    match &message.request {
        Err(error) => {
            let text = Reply::from(error.clone()).to_string();
            assert!(text.starts_with("01 "), "{text}");
            assert_eq!(text.find('\n'), Some(text.len() - 1), "{text:?}");
        }
        Ok(request) => {
            let _ = format!("{request:?}");
            let again = Request::parse(&request.to_bytes());
            assert_eq!(again.as_ref(), Ok(request));
            match request {
                Request::AddLac { name, items } => section(SectionKind::Lac, name, items),
                Request::AddLns { name, items } => section(SectionKind::Lns, name, items),
                _ => {}
            }
        }
    }
}

fn section(kind: SectionKind, name: &str, items: &rppp::l2tpd::control::ConfigItems) {
    let text = items.section_text(kind, name);
    match config::parse("pipe", text.as_bytes()) {
        Ok(c) => {
            let (own, other) = match kind {
                SectionKind::Lac => (
                    c.lac.len() + usize::from(c.lac_default.is_some()),
                    c.lns.len() + usize::from(c.lns_default.is_some()),
                ),
                SectionKind::Lns => (
                    c.lns.len() + usize::from(c.lns_default.is_some()),
                    c.lac.len() + usize::from(c.lac_default.is_some()),
                ),
            };
            assert_eq!((own, other), (1, 0), "{text:?}");
        }
        Err(e) => assert!(
            !matches!(
                e.kind,
                ErrorKind::NoClosingBracket
                    | ErrorKind::UnknownSection { .. }
                    | ErrorKind::OutsideSection
                    | ErrorKind::NoEquals
                    | ErrorKind::NotUtf8
            ),
            "{text:?}: {e}"
        ),
    }
}
