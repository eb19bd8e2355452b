use super::*;

fn prefix() -> Ipv6Prefix {
    Ipv6Prefix::new("2001:db8:7:1::".parse().unwrap(), 64).unwrap()
}

/// An advertisement as radvd sends one for `prefix 2001:db8:7:1::/64`
/// with its defaults, written out by hand from RFC 4861's figures.
const RADVD: [u8; 48] = [
    134, 0, 0, 0, // type, code, checksum
    64, 0, 0x07, 0x08, // cur hop limit, M/O, router lifetime 1800
    0, 0, 0, 0, 0, 0, 0, 0, // reachable time, retrans timer
    3, 4, 64, 0xc0, // Prefix Information, 32 octets, /64, L and A
    0, 0x27, 0x8d, 0, // valid lifetime 2592000
    0, 0x09, 0x3a, 0x80, // preferred lifetime 604800
    0, 0, 0, 0, // reserved
    0x20, 0x01, 0x0d, 0xb8, 0, 7, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
];

#[test]
fn an_advertisement_encodes_as_rfc_4861_draws_it_and_decodes_back() {
    let ra = RouterAdvertisement {
        cur_hop_limit: 64,
        managed: false,
        other: false,
        router_lifetime: 1800,
        reachable_time: 0,
        retrans_timer: 0,
        options: vec![NdOption::PrefixInformation(PrefixInformation {
            prefix: prefix(),
            on_link: true,
            autonomous: true,
            valid_lifetime: 2_592_000,
            preferred_lifetime: 604_800,
        })],
    };
    assert_eq!(ra.encode(), RADVD);
    let back = RouterAdvertisement::parse(&RADVD, 255).unwrap();
    assert_eq!(back, ra);
    assert_eq!(back.prefixes().next().unwrap().prefix, prefix());
}

#[test]
fn a_solicitation_with_a_source_address_option_is_read() {
    let rs = [133, 0, 0x12, 0x34, 0, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0, 9];
    let parsed = RouterSolicitation::parse(&rs, 255).unwrap();
    assert_eq!(
        parsed.options,
        [NdOption::SourceLinkLayerAddress(vec![2, 0, 0, 0, 0, 9])]
    );
    let mut again = parsed.encode();
    again[2..4].copy_from_slice(&[0x12, 0x34]);
    assert_eq!(again, rs);
}

#[test]
fn what_rfc_4861_section_6_1_calls_invalid_is_an_error() {
    let rs = [133, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(
        RouterSolicitation::parse(&rs, 64),
        Err(NdError::HopLimit(64))
    );
    assert_eq!(
        RouterSolicitation::parse(&rs[..7], 255),
        Err(NdError::TooShort { len: 7, need: 8 })
    );
    assert_eq!(
        RouterSolicitation::parse(&[134, 0, 0, 0, 0, 0, 0, 0], 255),
        Err(NdError::Type(134))
    );
    assert_eq!(
        RouterSolicitation::parse(&[133, 1, 0, 0, 0, 0, 0, 0], 255),
        Err(NdError::Code(1))
    );
    // A zero-length option, and one past the end.
    let zero = [133, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(
        RouterSolicitation::parse(&zero, 255),
        Err(NdError::OptionLength(8))
    );
    let long = [133, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0];
    assert_eq!(
        RouterSolicitation::parse(&long, 255),
        Err(NdError::OptionLength(8))
    );
    assert_eq!(RouterSolicitation::parse(&rs[..], 255).unwrap().options, []);
    assert_eq!(NdError::HopLimit(64).to_string(), "hop limit 64, not 255");
}

#[test]
fn unknown_options_and_malformed_known_ones_are_kept_as_data() {
    let mut ra = RADVD.to_vec();
    // A Prefix Information option with a prefix length over 128.
    ra[18] = 129;
    ra.extend_from_slice(&[200, 1, 1, 2, 3, 4, 5, 6]);
    let parsed = RouterAdvertisement::parse(&ra, 255).unwrap();
    assert!(matches!(
        parsed.options[0],
        NdOption::Unknown { kind: 3, .. }
    ));
    assert_eq!(
        parsed.options[1],
        NdOption::Unknown {
            kind: 200,
            data: vec![1, 2, 3, 4, 5, 6]
        }
    );
    assert_eq!(parsed.encode()[2..], ra[2..]);
    let mtu = [5, 1, 0, 0, 0, 0, 0x05, 0xdc];
    let mut with_mtu = RADVD[..16].to_vec();
    with_mtu.extend_from_slice(&mtu);
    assert_eq!(
        RouterAdvertisement::parse(&with_mtu, 255).unwrap().options,
        [NdOption::Mtu(1500)]
    );
}
