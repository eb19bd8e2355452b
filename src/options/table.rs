//! The options rppp knows: pppd's option tables (`options.c`, `auth.c`,
//! `lcp.c`, `ipcp.c`, `ipv6cp.c`, `ccp.c`, `chap-new.c`, `upap.c`,
//! `chap_ms.c`, `tty.c`, and the pppol2tp and passwordfd plugins), as
//! data: each name, how many words it takes, whether it needs privilege,
//! and what rppp does with it.

/// What rppp does with an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// Applied to [`Options`](super::Options) (by `apply`, or by the parser
    /// for `file`, `call` and `+ua`).
    Apply,
    /// Only means something on a serial line: accepted, one warning.
    Serial,
    /// Accepted without effect, with a warning saying why.
    Ignored(&'static str),
    /// Accepted without effect and without a warning: it turns off what
    /// rppp never does (compression, encryption, multilink details).
    NoOp,
    /// Refused: carrying on without it would be wrong.
    Unsupported(&'static str),
}

/// One option.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    /// The name as written.
    pub(crate) name: &'static str,
    /// The name `apply` knows it by (aliases map to their option).
    pub(crate) canonical: &'static str,
    /// Words it takes after its name: 0 or 1.
    pub(crate) args: usize,
    /// pppd's `OPT_PRIV`: only root (or a root-owned file) may give it.
    pub(crate) privileged: bool,
    /// What rppp does with it.
    pub(crate) class: Class,
}

const fn apply(name: &'static str, args: usize) -> Spec {
    Spec {
        name,
        canonical: name,
        args,
        privileged: false,
        class: Class::Apply,
    }
}

const fn alias(name: &'static str, canonical: &'static str, args: usize) -> Spec {
    Spec {
        name,
        canonical,
        args,
        privileged: false,
        class: Class::Apply,
    }
}

const fn privileged(name: &'static str, args: usize) -> Spec {
    Spec {
        name,
        canonical: name,
        args,
        privileged: true,
        class: Class::Apply,
    }
}

const fn serial(name: &'static str, args: usize) -> Spec {
    Spec {
        name,
        canonical: name,
        args,
        privileged: false,
        class: Class::Serial,
    }
}

const fn ignored(name: &'static str, args: usize, why: &'static str) -> Spec {
    Spec {
        name,
        canonical: name,
        args,
        privileged: false,
        class: Class::Ignored(why),
    }
}

const fn noop(name: &'static str, args: usize) -> Spec {
    Spec {
        name,
        canonical: name,
        args,
        privileged: false,
        class: Class::NoOp,
    }
}

const fn unsupported(name: &'static str, args: usize, why: &'static str) -> Spec {
    Spec {
        name,
        canonical: name,
        args,
        privileged: false,
        class: Class::Unsupported(why),
    }
}

const NO_COMPRESSION: &str =
    "rppp negotiates no compression or encryption (CCP and VJ are refused): ignored";
const NO_MULTILINK: &str = "multilink is not supported: ignored";
const NO_MPPE: &str =
    "MPPE encryption is not implemented; L2TP deployments protect the tunnel with IPsec";
const NOT_A_DEVICE: &str =
    "rppp runs PPP over L2TP only (pppol2tp <fd>); this selects another kind of link";
const NO_TRAFFIC_LIMIT: &str = "traffic limits (maxoctets) are not implemented";

/// Every option, in pppd's source order.
pub(crate) const TABLE: &[Spec] = &[
    // options.c
    apply("debug", 0),
    alias("-d", "debug", 0),
    apply("kdebug", 1),
    apply("nodetach", 0),
    alias("-detach", "nodetach", 0),
    apply("updetach", 0),
    ignored("master_detach", 0, NO_MULTILINK),
    apply("holdoff", 1),
    apply("idle", 1),
    apply("maxconnect", 1),
    privileged("domain", 1),
    apply("file", 1),
    apply("call", 1),
    apply("persist", 0),
    apply("nopersist", 0),
    unsupported(
        "demand",
        0,
        "dial on demand: the L2TP daemon starts rppp for a session that already exists",
    ),
    apply("--version", 0),
    apply("--help", 0),
    alias("-h", "--help", 0),
    // pppd opens the log file with the real user's rights; rppp opens it
    // later, so only root may name it.
    privileged("logfile", 1),
    apply("logfd", 1),
    apply("nolog", 0),
    alias("nologfd", "nolog", 0),
    privileged("linkname", 1),
    apply("maxfail", 1),
    ignored(
        "ktune",
        0,
        "rppp does not change kernel settings (ip_dynaddr): ignored",
    ),
    noop("noktune", 0),
    serial("connect-delay", 1),
    apply("unit", 1),
    privileged("ifname", 1),
    apply("dump", 0),
    apply("dryrun", 0),
    apply("child-timeout", 1),
    apply("set", 1),
    apply("unset", 1),
    privileged("defaultroute-metric", 1),
    apply("multilink", 0),
    alias("mp", "multilink", 0),
    apply("nomultilink", 0),
    alias("nomp", "nomultilink", 0),
    ignored("bundle", 1, NO_MULTILINK),
    privileged("plugin", 1),
    unsupported("pass-filter", 1, "packet filters are not implemented"),
    unsupported("active-filter", 1, "packet filters are not implemented"),
    unsupported("maxoctets", 1, NO_TRAFFIC_LIMIT),
    unsupported("mo", 1, NO_TRAFFIC_LIMIT),
    unsupported("mo-direction", 1, NO_TRAFFIC_LIMIT),
    unsupported("mo-timeout", 1, NO_TRAFFIC_LIMIT),
    // auth.c
    apply("auth", 0),
    privileged("noauth", 0),
    apply("require-pap", 0),
    alias("+pap", "require-pap", 0),
    apply("require-chap", 0),
    alias("+chap", "require-chap", 0),
    apply("require-mschap", 0),
    alias("+mschap", "require-mschap", 0),
    apply("require-mschap-v2", 0),
    alias("+mschap-v2", "require-mschap-v2", 0),
    apply("refuse-pap", 0),
    alias("-pap", "refuse-pap", 0),
    apply("refuse-chap", 0),
    alias("-chap", "refuse-chap", 0),
    apply("refuse-mschap", 0),
    alias("-mschap", "refuse-mschap", 0),
    apply("refuse-mschap-v2", 0),
    alias("-mschap-v2", "refuse-mschap-v2", 0),
    unsupported(
        "require-eap",
        0,
        "EAP is not implemented (rppp authenticates peers with PAP, CHAP-MD5, MS-CHAP and MS-CHAPv2)",
    ),
    // EAP is never negotiated: refusing it changes nothing.
    noop("refuse-eap", 0),
    privileged("name", 1),
    apply("+ua", 1),
    apply("user", 1),
    apply("password", 1),
    apply("usehostname", 0),
    apply("remotename", 1),
    privileged("pap-secrets", 1),
    privileged("chap-secrets", 1),
    unsupported(
        "login",
        0,
        "checking PAP passwords against the system's user database is not implemented: list the users in pap-secrets",
    ),
    unsupported(
        "enable-session",
        0,
        "session accounting (PAM, utmp) is not implemented",
    ),
    unsupported(
        "papcrypt",
        0,
        "encrypted passwords in pap-secrets are not implemented",
    ),
    unsupported(
        "privgroup",
        1,
        "privileged groups are not implemented: give privileged options as root",
    ),
    unsupported(
        "allow-ip",
        1,
        "addresses usable without authentication are not implemented",
    ),
    unsupported(
        "allow-number",
        1,
        "telephone number checks are not implemented",
    ),
    ignored("remotenumber", 1, "an L2TP session has no telephone number: ignored"),
    // chap-new.c, upap.c, chap_ms.c
    apply("chap-restart", 1),
    apply("chap-max-challenge", 1),
    apply("chap-interval", 1),
    apply("pap-restart", 1),
    apply("pap-max-authreq", 1),
    apply("pap-timeout", 1),
    apply("ms-ignore-domain", 0),
    apply("hide-password", 0),
    apply("show-password", 0),
    // lcp.c
    apply("noaccomp", 0),
    alias("-ac", "noaccomp", 0),
    apply("asyncmap", 1),
    alias("-as", "asyncmap", 1),
    apply("default-asyncmap", 0),
    alias("-am", "default-asyncmap", 0),
    apply("nomagic", 0),
    alias("-mn", "nomagic", 0),
    apply("mru", 1),
    apply("default-mru", 0),
    alias("-mru", "default-mru", 0),
    apply("mtu", 1),
    apply("nopcomp", 0),
    alias("-pc", "nopcomp", 0),
    apply("passive", 0),
    alias("-p", "passive", 0),
    apply("silent", 0),
    apply("lcp-echo-failure", 1),
    apply("lcp-echo-interval", 1),
    ignored(
        "lcp-echo-adaptive",
        0,
        "echo requests are sent whether or not traffic was received",
    ),
    apply("lcp-restart", 1),
    apply("lcp-max-terminate", 1),
    apply("lcp-max-configure", 1),
    apply("lcp-max-failure", 1),
    serial("receive-all", 0),
    ignored("mrru", 1, NO_MULTILINK),
    ignored("mpshortseq", 0, NO_MULTILINK),
    noop("nompshortseq", 0),
    ignored("endpoint", 1, NO_MULTILINK),
    noop("noendpoint", 0),
    // ipcp.c
    apply("ms-dns", 1),
    apply("ms-wins", 1),
    apply("ipcp-accept-local", 0),
    apply("ipcp-accept-remote", 0),
    apply("noipdefault", 0),
    apply("ipcp-restart", 1),
    apply("ipcp-max-terminate", 1),
    apply("ipcp-max-configure", 1),
    apply("ipcp-max-failure", 1),
    apply("defaultroute", 0),
    apply("nodefaultroute", 0),
    alias("-defaultroute", "nodefaultroute", 0),
    apply("replacedefaultroute", 0),
    apply("noreplacedefaultroute", 0),
    apply("proxyarp", 0),
    apply("noproxyarp", 0),
    alias("-proxyarp", "noproxyarp", 0),
    apply("usepeerdns", 0),
    apply("usepeerwins", 0),
    ignored(
        "netmask",
        1,
        "the interface is point to point, with a /32 peer: ignored",
    ),
    noop("ipcp-no-addresses", 0),
    unsupported(
        "ipcp-no-address",
        0,
        "IPCP without IP addresses is not implemented",
    ),
    unsupported(
        "noremoteip",
        0,
        "a peer without an IP address is not implemented",
    ),
    unsupported("noip", 0, "running without IPCP is not implemented"),
    unsupported("-ip", 0, "running without IPCP is not implemented"),
    noop("novj", 0),
    noop("-vj", 0),
    noop("novjccomp", 0),
    noop("-vjccomp", 0),
    ignored("vj-max-slots", 1, NO_COMPRESSION),
    apply("ipparam", 1),
    privileged("ip-pre-up-script", 1),
    privileged("ip-up-script", 1),
    privileged("ip-down-script", 1),
    // ipv6cp.c
    apply("ipv6", 1),
    apply("+ipv6", 0),
    apply("noipv6", 0),
    alias("-ipv6", "noipv6", 0),
    apply("ipv6cp-accept-local", 0),
    apply("ipv6cp-accept-remote", 0),
    apply("ipv6cp-use-ipaddr", 0),
    ignored(
        "ipv6cp-use-persistent",
        0,
        "interface identifiers are random unless given with ipv6: ignored",
    ),
    apply("ipv6cp-restart", 1),
    apply("ipv6cp-max-terminate", 1),
    apply("ipv6cp-max-configure", 1),
    apply("ipv6cp-max-failure", 1),
    privileged("ipv6-up-script", 1),
    privileged("ipv6-down-script", 1),
    // ccp.c
    noop("noccp", 0),
    noop("-ccp", 0),
    ignored("bsdcomp", 1, NO_COMPRESSION),
    noop("nobsdcomp", 0),
    noop("-bsdcomp", 0),
    ignored("deflate", 1, NO_COMPRESSION),
    noop("nodeflate", 0),
    noop("-deflate", 0),
    noop("nodeflatedraft", 0),
    ignored("predictor1", 0, NO_COMPRESSION),
    noop("nopredictor1", 0),
    noop("-predictor1", 0),
    unsupported("require-mppe", 0, NO_MPPE),
    unsupported("+mppe", 0, NO_MPPE),
    unsupported("require-mppe-40", 0, NO_MPPE),
    unsupported("+mppe-40", 0, NO_MPPE),
    unsupported("require-mppe-128", 0, NO_MPPE),
    unsupported("+mppe-128", 0, NO_MPPE),
    noop("nomppe", 0),
    noop("-mppe", 0),
    noop("nomppe-40", 0),
    noop("-mppe-40", 0),
    noop("nomppe-128", 0),
    noop("-mppe-128", 0),
    ignored("mppe-stateful", 0, NO_COMPRESSION),
    noop("nomppe-stateful", 0),
    noop("nomppc", 0),
    // tty.c: serial lines only
    serial("crtscts", 0),
    serial("-crtscts", 0),
    serial("nocrtscts", 0),
    serial("cdtrcts", 0),
    serial("nocdtrcts", 0),
    serial("xonxoff", 0),
    serial("modem", 0),
    serial("local", 0),
    serial("sync", 0),
    serial("lock", 0),
    serial("nolock", 0),
    serial("connect", 1),
    serial("disconnect", 1),
    serial("init", 1),
    serial("welcome", 1),
    serial("escape", 1),
    serial("record", 1),
    unsupported("pty", 1, NOT_A_DEVICE),
    unsupported("notty", 0, NOT_A_DEVICE),
    unsupported("socket", 1, NOT_A_DEVICE),
    // plugins/pppol2tp/pppol2tp.c
    apply("pppol2tp", 1),
    apply("pppol2tp_lns_mode", 0),
    apply("pppol2tp_send_seq", 0),
    apply("pppol2tp_recv_seq", 0),
    apply("pppol2tp_reorderto", 1),
    apply("pppol2tp_debug_mask", 1),
    privileged("pppol2tp_ifname", 1),
    apply("pppol2tp_tunnel_id", 1),
    apply("pppol2tp_session_id", 1),
    // plugins/passwordfd.c
    apply("passwordfd", 1),
    // plugins/radius/radius.c, radrealms.c (radattr.c has no options)
    privileged("radius-config-file", 1),
    apply("avpair", 1),
    apply("map-to-ifname", 0),
    apply("map-to-ttyname", 0),
    privileged("realms-config-file", 1),
    // rppp's: RADIUS and the secrets files together.
    privileged("radius-order", 1),
    privileged("radius-interim-interval", 1),
];

/// The warning for a serial-line option.
pub(crate) const SERIAL: &str = "only means something on a serial line: ignored";

/// The option named `name`, if rppp knows it.
pub(crate) fn lookup(name: &[u8]) -> Option<&'static Spec> {
    TABLE.iter().find(|spec| spec.name.as_bytes() == name)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn names_are_unique_and_aliases_resolve() {
        let mut seen = HashSet::new();
        for spec in TABLE {
            assert!(seen.insert(spec.name), "{} twice", spec.name);
            assert!(spec.args <= 1, "{}", spec.name);
            let target = lookup(spec.canonical.as_bytes()).expect(spec.canonical);
            assert_eq!(target.canonical, spec.canonical, "{}", spec.name);
            assert_eq!(target.args, spec.args, "{}", spec.name);
        }
    }

    /// Every option xl2tpd and openl2tpd pass on the command line.
    const DAEMON_OPTIONS: &[&str] = &[
        "plugin",
        "pppol2tp",
        "pppol2tp_lns_mode",
        "pppol2tp_tunnel_id",
        "pppol2tp_session_id",
        "passive",
        "nodetach",
        "refuse-pap",
        "refuse-chap",
        "auth",
        "require-pap",
        "require-chap",
        "name",
        "debug",
        "file",
        "ipparam",
        "defaultroute",
        "passwordfd",
        "ms-dns",
        "ms-wins",
        "kdebug",
        "mtu",
        "mru",
        "remotename",
        "nodefaultroute",
        "noipdefault",
        "sync",
        "refuse-eap",
        "refuse-mschap-v2",
        "refuse-mschap",
        "require-mschap",
        "require-mschap-v2",
        "asyncmap",
        "chap-interval",
        "chap-max-challenge",
        "chap-restart",
        "pap-max-authreq",
        "pap-restart",
        "pap-timeout",
        "idle",
        "ipcp-max-configure",
        "ipcp-max-failure",
        "ipcp-max-terminate",
        "ipcp-restart",
        "lcp-echo-failure",
        "lcp-echo-interval",
        "lcp-max-configure",
        "lcp-max-failure",
        "lcp-max-terminate",
        "lcp-restart",
        "maxconnect",
        "maxfail",
        "user",
        "password",
        "local",
        "noauth",
        "noaccomp",
        "nopcomp",
        "nobsdcomp",
        "nodeflate",
        "nopredictor1",
        "novj",
        "novjccomp",
        "multilink",
        "noendpoint",
        "nomp",
        "proxyarp",
        "pppol2tp_send_seq",
        "pppol2tp_recv_seq",
        "pppol2tp_reorderto",
        "pppol2tp_debug_mask",
        "pppol2tp_ifname",
        "unit",
    ];

    #[test]
    fn every_option_xl2tpd_and_openl2tpd_pass_is_known() {
        for name in DAEMON_OPTIONS {
            let spec = lookup(name.as_bytes()).unwrap_or_else(|| panic!("{name}"));
            assert!(
                !matches!(spec.class, Class::Unsupported(_)),
                "{name} must be accepted"
            );
        }
    }
}
