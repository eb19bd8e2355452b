//! How errors read.

use super::*;

#[test]
fn messages_name_the_option_and_the_place() {
    let file = Source::File {
        path: "/etc/ppp/options.xl2tpd".into(),
        line: 7,
    };
    let e = OptionsError::at(
        b"mtu",
        &file,
        ErrorKind::BadNumber {
            value: "14x0".into(),
        },
    );
    assert_eq!(
        e.to_string(),
        "/etc/ppp/options.xl2tpd:7: option 'mtu': invalid numeric parameter '14x0'"
    );
    assert_eq!(e.exit_code(), 2);
    let e = OptionsError::at(
        b"frobnicate",
        &Source::CommandLine { arg: 3 },
        ErrorKind::UnknownOption,
    );
    assert_eq!(
        e.to_string(),
        "command line (argument 3): option 'frobnicate': unrecognized option"
    );
    let e = OptionsError::general(
        None,
        ErrorKind::NoSecretForPeer {
            by_default: false,
            remote_name: None,
        },
    );
    assert_eq!(e.exit_code(), 1);
    assert!(e.to_string().starts_with("the remote system is required"));
}
