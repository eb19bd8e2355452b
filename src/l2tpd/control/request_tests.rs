//! The control pipe's request parser, message by message.

use super::*;

fn parse(text: &str) -> Result<Request, ParseError> {
    Request::parse(text.as_bytes())
}

fn lac(name: &str) -> LacRef {
    LacRef { name: name.into() }
}

fn arg_err(command: Command, argument: Argument, problem: Problem) -> ParseError {
    ParseError::Argument {
        command,
        argument,
        problem,
    }
}

#[test]
fn connect() {
    assert_eq!(
        parse("c myvpn"),
        Ok(Request::Connect {
            lac: lac("myvpn"),
            credentials: None
        })
    );
    assert_eq!(
        parse("c  myvpn  alice"),
        Ok(Request::Connect {
            lac: lac("myvpn"),
            credentials: Some(Credentials {
                user: "alice".into(),
                password: None
            })
        })
    );
    let Ok(Request::Connect {
        credentials: Some(c),
        ..
    }) = parse("connect-lac myvpn alice s3cr3t")
    else {
        panic!()
    };
    assert_eq!(
        c.password.as_ref().map(Secret::expose),
        Some(&b"s3cr3t"[..])
    );
    let debug = format!("{c:?}");
    assert!(!debug.contains("s3cr3t"), "{debug}");
    assert_eq!(
        parse("c myvpn alice my pass"),
        Err(arg_err(
            Command::Connect,
            Argument::Password,
            Problem::Extra
        ))
    );
    assert_eq!(
        parse("c"),
        Err(arg_err(Command::Connect, Argument::Name, Problem::Missing))
    );
    assert_eq!(
        parse("c   "),
        Err(arg_err(Command::Connect, Argument::Name, Problem::Missing))
    );
    // A password may be any bytes but a space.
    assert!(Request::parse(b"c vpn u \xff\x01").is_ok());
}

#[test]
fn errors_never_show_a_password() {
    let err = parse("c vpn alice hunter2 extra").unwrap_err();
    assert!(!err.to_string().contains("hunter2"));
    assert!(!format!("{err:?}").contains("hunter2"));
}

#[test]
fn lac_ref() {
    assert_eq!(lac("123").tunnel_id(), Some(123));
    assert_eq!(lac("65535").tunnel_id(), Some(65535));
    assert_eq!(lac("65536").tunnel_id(), None);
    assert_eq!(lac("0").tunnel_id(), None);
    assert_eq!(lac("12abc").tunnel_id(), None);
    assert_eq!(lac("vpn").tunnel_id(), None);
    assert!(lac("MyVPN").matches("myvpn"));
    assert!(!lac("myvpn").matches("myvpn2"));
}

#[test]
fn outgoing_call() {
    assert_eq!(
        parse("o vpn 5551234 ignored"),
        Ok(Request::OutgoingCall {
            lac: lac("vpn"),
            dial_number: "5551234".into()
        })
    );
    assert_eq!(
        parse("o vpn"),
        Err(arg_err(
            Command::OutgoingCall,
            Argument::DialNumber,
            Problem::Missing
        ))
    );
    assert_eq!(
        parse("o"),
        Err(arg_err(
            Command::OutgoingCall,
            Argument::Name,
            Problem::Missing
        ))
    );
}

#[test]
fn disconnect_takes_the_rest_of_the_line() {
    assert_eq!(
        parse("d myvpn"),
        Ok(Request::Disconnect { lac: lac("myvpn") })
    );
    assert_eq!(
        parse("d my vpn"),
        Ok(Request::Disconnect { lac: lac("my vpn") })
    );
    assert_eq!(
        parse("disconnect-lac 4242"),
        Ok(Request::Disconnect { lac: lac("4242") })
    );
    assert_eq!(
        parse("d"),
        Err(arg_err(
            Command::Disconnect,
            Argument::Name,
            Problem::Missing
        ))
    );
    assert_eq!(
        parse("d "),
        Err(arg_err(
            Command::Disconnect,
            Argument::Name,
            Problem::Missing
        ))
    );
    assert_eq!(
        parse("d vpn\r"),
        Err(arg_err(
            Command::Disconnect,
            Argument::Name,
            Problem::ControlCharacter
        ))
    );
    assert_eq!(
        Request::parse(b"d \xc3"),
        Err(arg_err(
            Command::Disconnect,
            Argument::Name,
            Problem::NotUtf8
        ))
    );
}

#[test]
fn hangup() {
    assert_eq!(parse("h 17"), Ok(Request::Hangup { call_id: 17 }));
    assert_eq!(parse("h  17 "), Ok(Request::Hangup { call_id: 17 }));
    for bad in ["h 0", "h 65536", "h x", "h 1 2", "h 12abc"] {
        assert_eq!(
            parse(bad),
            Err(arg_err(Command::Hangup, Argument::CallId, Problem::NotAnId)),
            "{bad}"
        );
    }
    assert_eq!(
        parse("h"),
        Err(arg_err(Command::Hangup, Argument::CallId, Problem::Missing))
    );
}

#[test]
fn tunnel() {
    assert_eq!(
        parse("t 192.0.2.1"),
        Ok(Request::Tunnel {
            host: "192.0.2.1".into()
        })
    );
    assert_eq!(
        parse("t lns.example"),
        Ok(Request::Tunnel {
            host: "lns.example".into()
        })
    );
    assert_eq!(
        parse("t a b"),
        Err(arg_err(Command::Tunnel, Argument::Host, Problem::Space))
    );
    assert_eq!(
        parse("t"),
        Err(arg_err(Command::Tunnel, Argument::Host, Problem::Missing))
    );
}

fn item(key: &str, value: &str) -> ConfigItem {
    ConfigItem {
        key: key.into(),
        value: value.into(),
    }
}

#[test]
fn add_lac_as_xl2tpd_control_sends_it() {
    assert_eq!(
        parse("a vpn lns=192.0.2.1;redial timeout =5; ; name = alice;"),
        Ok(Request::AddLac {
            name: "vpn".into(),
            items: ConfigItems(vec![
                item("lns", "192.0.2.1"),
                item("redial timeout", "5"),
                item("name", "alice"),
            ])
        })
    );
    assert_eq!(
        parse("a vpn"),
        Ok(Request::AddLac {
            name: "vpn".into(),
            items: ConfigItems::default()
        })
    );
    assert_eq!(
        parse("add-lac  vpn  pppoptfile=/etc/ppp/a=b"),
        Ok(Request::AddLac {
            name: "vpn".into(),
            items: ConfigItems(vec![item("pppoptfile", "/etc/ppp/a=b")])
        })
    );
    assert_eq!(
        parse("a"),
        Err(arg_err(Command::AddLac, Argument::Name, Problem::Missing))
    );
    assert_eq!(
        parse("a vpn lns"),
        Err(arg_err(
            Command::AddLac,
            Argument::Item(1),
            Problem::NoEquals
        ))
    );
    assert_eq!(
        parse("a vpn lns=x;=y"),
        Err(arg_err(Command::AddLac, Argument::Item(2), Problem::BadKey))
    );
    assert_eq!(
        parse("a vpn [lns x]=y"),
        Err(arg_err(Command::AddLac, Argument::Item(1), Problem::BadKey))
    );
    assert_eq!(
        parse("a v]n lns=x"),
        Err(arg_err(
            Command::AddLac,
            Argument::Name,
            Problem::SectionSyntax
        ))
    );
    assert_eq!(
        parse("z a;b x=1"),
        Err(arg_err(
            Command::AddLns,
            Argument::Name,
            Problem::SectionSyntax
        ))
    );
}

#[test]
fn add_lns_and_section_text() {
    let Ok(Request::AddLns { name, items }) =
        parse("add-lns srv ip range=10.0.0.2-10.0.0.9;local ip=10.0.0.1;")
    else {
        panic!()
    };
    assert_eq!(name, "srv");
    let text = items.section_text(SectionKind::Lns, &name);
    assert_eq!(
        text,
        "[lns srv]\nip range = 10.0.0.2-10.0.0.9\nlocal ip = 10.0.0.1\n"
    );
    let config = crate::l2tpd::config::parse("pipe", text.as_bytes()).unwrap();
    assert_eq!(config.lns.len(), 1);
    let lac = ConfigItems(vec![item("lns", "192.0.2.1"), item("redial", "yes")]);
    let config =
        crate::l2tpd::config::parse("pipe", lac.section_text(SectionKind::Lac, "vpn").as_bytes())
            .unwrap();
    assert_eq!(config.lac.len(), 1);
}

#[test]
fn removes_and_statuses() {
    assert_eq!(
        parse("r my vpn"),
        Ok(Request::RemoveLac {
            name: "my vpn".into()
        })
    );
    assert_eq!(
        parse("remove-lns srv"),
        Ok(Request::RemoveLns { name: "srv".into() })
    );
    assert_eq!(
        parse("w"),
        Err(arg_err(
            Command::RemoveLns,
            Argument::Name,
            Problem::Missing
        ))
    );
    assert_eq!(
        parse("r"),
        Err(arg_err(
            Command::RemoveLac,
            Argument::Name,
            Problem::Missing
        ))
    );
    assert_eq!(parse("s"), Ok(Request::LacStatus { name: None }));
    assert_eq!(
        parse("status-lac vpn"),
        Ok(Request::LacStatus {
            name: Some("vpn".into())
        })
    );
    assert_eq!(parse("x"), Ok(Request::Available));
    assert_eq!(parse("x (null)"), Ok(Request::Available));
    assert_eq!(parse("AVAILABLE"), Ok(Request::Available));
    assert_eq!(Request::parse(b"x \x01\xff"), Ok(Request::Available));
    assert_eq!(
        parse("y default extra"),
        Ok(Request::LnsStatus {
            name: "default".into()
        })
    );
    assert_eq!(
        parse("y"),
        Err(arg_err(
            Command::LnsStatus,
            Argument::Name,
            Problem::Missing
        ))
    );
}

#[test]
fn unknown_and_empty() {
    assert_eq!(parse(""), Err(ParseError::Empty));
    assert_eq!(
        parse("connect vpn"),
        Err(ParseError::UnknownCommand {
            word: b"connect".to_vec()
        })
    );
    assert_eq!(
        parse("C vpn"),
        Err(ParseError::UnknownCommand {
            word: b"C".to_vec()
        })
    );
    assert_eq!(
        parse(" c vpn"),
        Err(ParseError::UnknownCommand { word: vec![] })
    );
    let long = "q".repeat(100);
    let Err(ParseError::UnknownCommand { word }) = parse(&long) else {
        panic!()
    };
    assert_eq!(word.len(), 32);
    assert_eq!(
        parse("connect vpn").unwrap_err().to_string(),
        "Unknown command connect"
    );
}

#[test]
fn to_bytes_reads_back() {
    for line in [
        &b"c vpn"[..],
        b"c vpn alice",
        b"c vpn alice s\xffcret",
        b"o vpn 555",
        b"d my vpn",
        b"d  spaced ",
        b"h 65535",
        b"t 192.0.2.1",
        b"a vpn",
        b"a vpn lns=192.0.2.1;redial = yes;",
        b"z default ip range = 10.0.0.2-10.0.0.9",
        b"r vpn",
        b"s",
        b"s vpn",
        b"x",
        b"y srv",
        b"w srv",
    ] {
        let request = Request::parse(line).unwrap();
        assert_eq!(Request::parse(&request.to_bytes()), Ok(request));
    }
    assert_eq!(
        Request::parse(b"a vpn  lns = x ; ;").unwrap().to_bytes(),
        b"a vpn lns=x;"
    );
}

#[test]
fn every_command_round_trips_its_names() {
    for c in Command::ALL {
        assert_eq!(Command::from_word(&[c.letter()]), Some(c));
        if let Some(name) = c.long_name() {
            assert_eq!(Command::from_word(name.as_bytes()), Some(c));
            assert_eq!(Command::from_word(name.to_uppercase().as_bytes()), Some(c));
        }
    }
    assert_eq!(
        Command::Connect.to_string(),
        "'c' (connect-lac)".to_string()
    );
    assert_eq!(Command::Hangup.to_string(), "'h'");
}

#[test]
fn message_with_result_file() {
    let m = Message::parse(b"@/var/run/xl2tpd/xl2tpd-control-42.out c vpn");
    assert_eq!(
        m.reply_to.as_ref().map(ReplyTarget::path),
        Some(Path::new("/var/run/xl2tpd/xl2tpd-control-42.out"))
    );
    assert_eq!(
        m.request,
        Ok(Request::Connect {
            lac: lac("vpn"),
            credentials: None
        })
    );
    let m = Message::parse(b"c vpn");
    assert_eq!(m.reply_to, None);
    assert!(m.request.is_ok());
    // xl2tpd starts the command right after the one space.
    let m = Message::parse(b"@/tmp/r  c vpn");
    assert!(m.reply_to.is_some());
    assert_eq!(m.request, Err(ParseError::UnknownCommand { word: vec![] }));
    let m = Message::parse(b"@/tmp/r ");
    assert!(m.reply_to.is_some());
    assert_eq!(m.request, Err(ParseError::Empty));
    for (line, problem) in [
        (&b"@"[..], ResultFileProblem::Empty),
        (b"@ c vpn", ResultFileProblem::Empty),
        (b"@tmp/r c vpn", ResultFileProblem::Relative),
        (b"@/tmp/\0r c vpn", ResultFileProblem::Nul),
        (b"@/tmp/r", ResultFileProblem::NoCommand),
    ] {
        let m = Message::parse(line);
        assert_eq!(m.reply_to, None);
        assert_eq!(m.request, Err(ParseError::ResultFile { problem }));
        assert!(!m.request.unwrap_err().to_string().is_empty());
    }
}

#[test]
fn too_long() {
    let mut line = b"@/tmp/r c ".to_vec();
    line.resize(MAX_MESSAGE + 1, b'v');
    let m = Message::parse(&line);
    assert_eq!(
        m.reply_to.as_ref().map(ReplyTarget::path),
        Some(Path::new("/tmp/r"))
    );
    assert_eq!(
        m.request,
        Err(ParseError::TooLong {
            len: MAX_MESSAGE + 1
        })
    );
    line.truncate(MAX_MESSAGE);
    assert!(Message::parse(&line).request.is_ok());
    let m = Message::too_long(&[b'c'; 2000], 5000);
    assert_eq!(m.reply_to, None);
    assert_eq!(m.request, Err(ParseError::TooLong { len: 5000 }));
}

#[test]
fn no_panic_on_odd_bytes() {
    let odd: [&[u8]; 8] = [
        b"\0",
        b"@",
        b"@/",
        b"@/ ",
        b"a \xff",
        b"a x \xff=1",
        b"z x k=\x7f",
        b"h 99999999999999999999",
    ];
    for line in odd {
        let m = Message::parse(line);
        if let Err(e) = m.request {
            assert!(!e.to_string().contains('\n'));
        }
    }
}
