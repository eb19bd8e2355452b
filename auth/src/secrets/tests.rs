use std::collections::HashMap;
use std::net::Ipv4Addr;

use super::*;

fn no_files(path: &str) -> Result<Vec<u8>, String> {
    Err(format!("{path}: not in this test"))
}

fn parse(text: &str) -> Secrets {
    Secrets::parse("chap-secrets", text.as_bytes(), &mut no_files).unwrap()
}

fn parse_err(text: &str) -> SecretsError {
    Secrets::parse("chap-secrets", text.as_bytes(), &mut no_files).unwrap_err()
}

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

/// A file in the shape xl2tpd deployments use, with comments, quoting and
/// every address form.
const FILE: &str = r#"# Secrets for authentication using CHAP
# client        server  secret                  IP addresses
"joe smith"     lns     "joe's secret"          10.10.0.2
alice           *       alice\spw               10.10.0.0/24 !10.10.0.1
bob             lns     bobpw                   # three words: no address
carol           lns     carolpw                 -
*               lns     anyone                  *
lac             *       lacpw
dave            lns     davepw                  10.20.0.0/16+ -- ms-dns 10.0.0.53
"#;

#[test]
fn reads_every_line() {
    let secrets = parse(FILE);
    assert_eq!(secrets.file(), "chap-secrets");
    let clients: Vec<&[u8]> = secrets.entries().iter().map(|e| &e.client[..]).collect();
    assert_eq!(
        clients,
        [
            &b"joe smith"[..],
            b"alice",
            b"bob",
            b"carol",
            b"*",
            b"lac",
            b"dave"
        ]
    );
    let joe = &secrets.entries()[0];
    assert_eq!(joe.secret.expose(), b"joe's secret");
    assert_eq!(joe.line, 3);
    assert_eq!(secrets.entries()[1].secret.expose(), b"alice pw");
    let dave = &secrets.entries()[6];
    assert_eq!(dave.options, [b"ms-dns".to_vec(), b"10.0.0.53".to_vec()]);
    assert_eq!(dave.addresses.to_string(), "10.20.0.0/16+");
}

#[test]
fn lookup_prefers_the_fewest_wildcards() {
    let secrets = parse(FILE);
    // Exact client and server.
    assert_eq!(
        secrets.lookup(b"bob", b"lns").unwrap().secret.expose(),
        b"bobpw"
    );
    // Named client, wildcard server beats wildcard client, named server.
    assert_eq!(
        secrets.lookup(b"alice", b"lns").unwrap().secret.expose(),
        b"alice pw"
    );
    // Only the wildcard client line matches a stranger.
    assert_eq!(
        secrets.lookup(b"mallory", b"lns").unwrap().secret.expose(),
        b"anyone"
    );
    // Names are case sensitive, and the server must match too.
    assert_eq!(
        secrets.lookup(b"BOB", b"lns").unwrap().secret.expose(),
        b"anyone"
    );
    assert!(secrets.lookup(b"bob", b"other").is_none());
    assert_eq!(
        secrets.lookup(b"lac", b"anything").unwrap().secret.expose(),
        b"lacpw"
    );
}

#[test]
fn among_equal_matches_the_first_wins() {
    let secrets = parse("* srv first\n* srv second\nx * third\nx * fourth\n");
    assert_eq!(
        secrets.lookup(b"y", b"srv").unwrap().secret.expose(),
        b"first"
    );
    assert_eq!(
        secrets.lookup(b"x", b"other").unwrap().secret.expose(),
        b"third"
    );
    // A named client (score 2) beats a named server (score 1).
    assert_eq!(
        secrets.lookup(b"x", b"srv").unwrap().secret.expose(),
        b"third"
    );
    // An exact line later in the file still wins.
    let secrets = parse("* * wild\nx * half\nx srv exact\n");
    assert_eq!(
        secrets.lookup(b"x", b"srv").unwrap().secret.expose(),
        b"exact"
    );
}

#[test]
fn allowed_addresses_per_line() {
    let secrets = parse(FILE);
    let joe = &secrets.lookup(b"joe smith", b"lns").unwrap().addresses;
    assert!(joe.permits(ip("10.10.0.2"), None));
    assert!(!joe.permits(ip("10.10.0.3"), None));
    let alice = &secrets.lookup(b"alice", b"lns").unwrap().addresses;
    assert!(alice.permits(ip("10.10.0.77"), None));
    // The exclusion comes after the subnet, so the subnet decides first.
    assert!(alice.permits(ip("10.10.0.1"), None));
    assert!(!alice.permits(ip("10.11.0.1"), None));
    for three_or_dash in [b"bob".as_slice(), b"carol"] {
        let entry = secrets.lookup(three_or_dash, b"lns").unwrap();
        assert!(entry.addresses.allows_none());
        assert!(!entry.addresses.permits(ip("10.10.0.2"), None));
    }
    let any = &secrets.lookup(b"someone", b"lns").unwrap().addresses;
    assert!(any.permits(ip("198.51.100.1"), None));
    let dave = &secrets.lookup(b"dave", b"lns").unwrap().addresses;
    assert!(dave.permits(ip("10.20.0.8"), Some(7)));
    assert!(!dave.permits(ip("10.20.0.8"), Some(6)));
}

#[test]
fn indirect_secrets_are_read_through_the_reader() {
    let files: HashMap<&str, &[u8]> = HashMap::from([
        ("/etc/ppp/joe.pw", &b"  \"from file\" ignored\n"[..]),
        ("/etc/ppp/empty", &b"# only a comment\n"[..]),
    ]);
    let mut read = |path: &str| {
        files
            .get(path)
            .map(|c| c.to_vec())
            .ok_or_else(|| "No such file or directory".to_string())
    };
    let secrets = Secrets::parse(
        "chap-secrets",
        b"joe * @/etc/ppp/joe.pw\nliteral * @notapath\n",
        &mut read,
    )
    .unwrap();
    assert_eq!(secrets.entries()[0].secret.expose(), b"from file");
    // Only `@/` names a file, as in pppd.
    assert_eq!(secrets.entries()[1].secret.expose(), b"@notapath");

    let err = Secrets::parse("chap-secrets", b"a b c\njoe * @/missing\n", &mut read).unwrap_err();
    assert_eq!(err.line, 2);
    assert_eq!(
        err.to_string(),
        "chap-secrets:2: cannot read secret file /missing: No such file or directory"
    );
    let err = Secrets::parse("chap-secrets", b"joe * @/etc/ppp/empty\n", &mut read).unwrap_err();
    assert_eq!(
        err.kind,
        SecretsErrorKind::IndirectEmpty {
            path: "/etc/ppp/empty".into()
        }
    );
}

#[test]
fn errors_name_the_file_and_line() {
    let err = parse_err("ok ok ok\n\n# comment\njoe lns\n");
    assert_eq!(
        err,
        SecretsError {
            file: "chap-secrets".into(),
            line: 4,
            kind: SecretsErrorKind::TooFewWords { found: 2 }
        }
    );
    assert_eq!(
        err.to_string(),
        "chap-secrets:4: 2 word(s) where client, server and secret are needed"
    );
    let err = parse_err("joe\n");
    assert_eq!(err.kind, SecretsErrorKind::TooFewWords { found: 1 });

    let err = parse_err("a b c\njoe lns pw 10.0.0.1 gateway.example\n");
    assert_eq!(err.line, 2);
    assert_eq!(
        err.kind,
        SecretsErrorKind::BadAddress {
            word: "gateway.example".into()
        }
    );
    let err = parse_err("a b c\n\njoe lns \"open secret\n");
    assert_eq!(
        (err.line, err.kind),
        (3, SecretsErrorKind::UnterminatedQuote)
    );
}

#[test]
fn errors_never_show_the_secret() {
    let err = parse_err("joe lns \"hunter2 never closed\n");
    assert!(!err.to_string().contains("hunter2"));
    let secrets = parse("joe lns hunter2 *\n");
    assert!(!format!("{secrets:?}").contains("hunter2"));
}

#[test]
fn words_after_a_dash_or_star_are_ignored_but_options_kept() {
    let secrets = parse("joe lns pw - 10.0.0.1 -- debug\nann lns pw * -- mtu 1400\n");
    assert!(secrets.entries()[0].addresses.allows_none());
    assert_eq!(secrets.entries()[0].options, [b"debug".to_vec()]);
    assert_eq!(secrets.entries()[1].addresses, AllowedAddresses::any());
    assert_eq!(secrets.entries()[1].options.len(), 2);
}

#[test]
fn empty_and_comment_only_files_have_no_entries() {
    assert!(parse("").entries().is_empty());
    assert!(parse("# nothing\n\n   \n").entries().is_empty());
    assert!(parse("").lookup(b"a", b"b").is_none());
}

#[test]
fn empty_names_and_secrets_are_words() {
    // pppd's way of letting a peer that refuses to authenticate in.
    let secrets = parse("\"\" * \"\" 10.0.0.9\n");
    let entry = secrets.lookup(b"", b"lns").unwrap();
    assert!(entry.secret.is_empty());
    assert!(entry.addresses.permits(ip("10.0.0.9"), None));
}

/// The client, server and secret of each entry, with its line.
fn triples(text: &str) -> Vec<(usize, String, String, String)> {
    let s = |w: &[u8]| String::from_utf8(w.to_vec()).unwrap();
    parse(text)
        .entries()
        .iter()
        .map(|e| (e.line, s(&e.client), s(&e.server), s(e.secret.expose())))
        .collect()
}

fn triple(
    line: usize,
    client: &str,
    server: &str,
    secret: &str,
) -> (usize, String, String, String) {
    (line, client.into(), server.into(), secret.into())
}

#[test]
fn a_line_ends_at_a_newline_neither_quoted_nor_escaped() {
    assert_eq!(
        triples("# header\n\njoe  server\tpw 10.0.0.1 # trailing\n  * * x#comment\n"),
        [triple(3, "joe", "server", "pw"), triple(4, "*", "*", "x")]
    );
    // A quoted newline is part of the word; the entry goes on.
    let secrets = parse("a b \"two\nlines\" -- c\nd e f");
    assert_eq!(secrets.entries()[0].secret.expose(), b"two\nlines");
    assert_eq!(secrets.entries()[0].options, [b"c".to_vec()]);
    assert_eq!(secrets.entries()[1].line, 3);
    // An escaped one continues the line, between words or inside one.
    assert_eq!(
        triples("joe server \\\n  secret\nab\\\ncd x y"),
        [
            triple(1, "joe", "server", "secret"),
            triple(3, "abcd", "x", "y")
        ]
    );
    assert_eq!(triples("a b c\\"), [triple(1, "a", "b", "c")]);
}

#[test]
fn an_overlong_word_is_an_error() {
    let err = parse_err(&format!("a b\nc d {}", "x".repeat(1025)));
    assert_eq!((err.line, &err.kind), (2, &SecretsErrorKind::WordTooLong));
    assert_eq!(
        err.to_string(),
        "chap-secrets:2: word longer than 1024 octets"
    );
    let secret = "x".repeat(1024);
    assert_eq!(
        triples(&format!("a b {secret}")),
        [triple(1, "a", "b", &secret)]
    );
    let err = parse_err("a b \"open\n");
    assert_eq!(
        err.to_string(),
        "chap-secrets:1: quoted word has no closing quote"
    );
    let mut read = |_: &str| Ok(b"'open".to_vec());
    let err = Secrets::parse("chap-secrets", b"a b @/pw\n", &mut read).unwrap_err();
    assert_eq!(
        err.to_string(),
        "chap-secrets:1: cannot read secret file /pw: quoted word has no closing quote"
    );
}

/// pppd's getword (pppd 2.4.5 and later): a quote opens a quoted section
/// anywhere in a word, and the word goes on after the closing quote. The
/// secrets parser used to honour a quote only at a word's start and end the
/// word at the closing one, as pppd 2.4.4 did.
#[test]
fn quoted_sections_are_part_of_the_word_around_them() {
    assert_eq!(
        triples("\"ab\"cd lns x\"y z\"w\n"),
        [triple(1, "abcd", "lns", "xy zw")]
    );
    assert_eq!(
        triples("o\\'brien lns 'it'\\''s'\n"),
        [triple(1, "o'brien", "lns", "it's")]
    );
    let err = parse_err("a b c\njoe lns pw'\n");
    assert_eq!(
        (err.line, err.kind),
        (2, SecretsErrorKind::UnterminatedQuote)
    );
}

/// pppd splits words on C's isspace, which includes the vertical tab; the
/// secrets parser used to take it as part of a word.
#[test]
fn a_vertical_tab_separates_words() {
    assert_eq!(
        triples("joe\x0blns\x0bpw\n"),
        [triple(1, "joe", "lns", "pw")]
    );
}
