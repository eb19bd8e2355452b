use super::*;

fn no_includes(_: &str, path: &str) -> io::Result<(String, String)> {
    Err(io::Error::new(io::ErrorKind::NotFound, path.to_owned()))
}

const MAIN: &str = "\
# standard attributes
ATTRIBUTE\tUser-Name\t\t1\tstring
ATTRIBUTE\tService-Type\t\t6\tinteger
ATTRIBUTE\tFramed-IPv6-Prefix\t97\tipv6prefix
ATTRIBUTE\tTunnel-Type\t\t64\tinteger\thas_tag
ATTRIBUTE\tTunnel-Password\t\t69\tstring\thas_tag,encrypt=2
VALUE\t\tService-Type\t\tFramed-User\t2
VALUE\t\tService-Type\t\tLogin-User\t0x1
$INCLUDE dictionary.microsoft
VENDOR\t\tCisco\t9
ATTRIBUTE\tCisco-AVPair\t1\tstring\tCisco
ATTRIBUTE\tCisco-NAS-Port\t2\tstring\tvendor=Cisco
";

const MICROSOFT: &str = "\
VENDOR\t\tMicrosoft\t311
BEGIN-VENDOR\tMicrosoft
ATTRIBUTE\tMS-CHAP-Challenge\t11\toctets
ATTRIBUTE\tMS-MPPE-Send-Key\t16\toctets\tencrypt=2
ATTRIBUTE\tMS-Primary-DNS-Server\t28\tipaddr
END-VENDOR\tMicrosoft
";

#[test]
fn parses_with_includes_and_vendors() {
    let mut seen = Vec::new();
    let mut resolver = |from: &str, path: &str| -> io::Result<(String, String)> {
        seen.push((from.to_owned(), path.to_owned()));
        match path {
            "dictionary.microsoft" => Ok((
                "/etc/radiusclient/dictionary.microsoft".into(),
                MICROSOFT.into(),
            )),
            _ => no_includes(from, path),
        }
    };
    let d = Dictionary::parse("/etc/radiusclient/dictionary", MAIN, &mut resolver).unwrap();
    assert_eq!(
        seen,
        vec![(
            "/etc/radiusclient/dictionary".to_owned(),
            "dictionary.microsoft".to_owned()
        )]
    );
    assert_eq!(d.attribute_by_name("user-name").unwrap().number, 1);
    let ms = d.attribute(Some(311), 28).unwrap();
    assert_eq!(
        (ms.name.as_str(), &ms.data_type),
        ("MS-Primary-DNS-Server", &DataType::IpAddr)
    );
    assert_eq!(d.attribute(Some(311), 16).unwrap().encrypt, Some(2));
    assert_eq!(d.attribute(Some(9), 1).unwrap().name, "Cisco-AVPair");
    assert_eq!(d.attribute(Some(9), 2).unwrap().name, "Cisco-NAS-Port");
    assert!(d.attribute(None, 11).is_none());
    let tp = d.attribute_by_name("Tunnel-Password").unwrap();
    assert!(tp.has_tag && tp.encrypt == Some(2));
    assert_eq!(d.value_name("Service-Type", 2), Some("Framed-User"));
    assert_eq!(d.value("service-type", "Login-User"), Some(1));
    assert_eq!(
        d.attribute_by_name("Framed-IPv6-Prefix").unwrap().data_type,
        DataType::Ipv6Prefix
    );
}

fn error(text: &str) -> ConfigError {
    Dictionary::parse("dict", text, &mut no_includes).unwrap_err()
}

#[test]
fn errors_name_file_and_line() {
    let e = error("ATTRIBUTE A 1 string\nFROBNICATE x\n");
    assert_eq!(
        (e.line, e.kind),
        (2, ConfigErrorKind::UnknownKeyword("FROBNICATE".into()))
    );
    assert_eq!(
        error("ATTRIBUTE A 1\n").kind,
        ConfigErrorKind::MissingFields("ATTRIBUTE")
    );
    assert_eq!(
        error("ATTRIBUTE A x1 string\n").kind,
        ConfigErrorKind::BadNumber("x1".into())
    );
    assert_eq!(
        error("ATTRIBUTE A 300 string\n").kind,
        ConfigErrorKind::AttributeNumber(300)
    );
    assert_eq!(
        error("ATTRIBUTE A 1 string Nope\n").kind,
        ConfigErrorKind::UnknownVendor("Nope".into())
    );
    assert_eq!(
        error("VALUE Nope X 1\n").kind,
        ConfigErrorKind::UnknownAttribute("Nope".into())
    );
    assert_eq!(
        error("BEGIN-VENDOR Nope\n").kind,
        ConfigErrorKind::UnknownVendor("Nope".into())
    );
    assert_eq!(
        error("VENDOR V 5\nEND-VENDOR V\n").kind,
        ConfigErrorKind::VendorBlock("V".into())
    );
    let e = error("VENDOR V 5\nBEGIN-VENDOR V\nATTRIBUTE A 300 string\n\n");
    assert_eq!(
        (e.line, e.kind),
        (3, ConfigErrorKind::UnterminatedVendor("V".into()))
    );
    let e = error("$INCLUDE missing\n");
    assert_eq!(
        e.kind,
        ConfigErrorKind::Include {
            path: "missing".into(),
            error: io::ErrorKind::NotFound
        }
    );
    assert_eq!(
        e.to_string(),
        "dict:1: cannot include \"missing\": entity not found"
    );
}

#[test]
fn include_errors_name_the_included_file_and_depth_is_limited() {
    let mut resolver = |_: &str, path: &str| -> io::Result<(String, String)> {
        Ok((
            format!("/d/{path}"),
            "ATTRIBUTE A 1 string\nBROKEN\n".into(),
        ))
    };
    let e = Dictionary::parse("dict", "$INCLUDE sub\n", &mut resolver).unwrap_err();
    assert_eq!((e.file.as_str(), e.line), ("/d/sub", 2));
    // A file that includes itself.
    let mut depth = 0;
    let mut resolver = |_: &str, _: &str| -> io::Result<(String, String)> {
        depth += 1;
        Ok(("self".into(), "$INCLUDE self\n".into()))
    };
    let e = Dictionary::parse("self", "$INCLUDE self\n", &mut resolver).unwrap_err();
    assert_eq!(e.kind, ConfigErrorKind::IncludeDepth);
    assert_eq!(depth, MAX_INCLUDE_DEPTH);
}

#[test]
fn included_files_are_capped() {
    let mut calls = 0;
    let mut resolver = |_: &str, path: &str| -> io::Result<(String, String)> {
        calls += 1;
        Ok((path.to_owned(), String::new()))
    };
    let ok = "$INCLUDE leaf\n".repeat(MAX_INCLUDED_FILES);
    assert!(Dictionary::parse("many", &ok, &mut resolver).is_ok());
    let too_many = "$INCLUDE leaf\n".repeat(MAX_INCLUDED_FILES + 1);
    let e = Dictionary::parse("many", &too_many, &mut resolver).unwrap_err();
    assert_eq!(
        (e.line, e.kind),
        (MAX_INCLUDED_FILES + 1, ConfigErrorKind::TooManyIncludes)
    );
    assert_eq!(calls, 2 * MAX_INCLUDED_FILES);
}
