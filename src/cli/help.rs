//! `rppp --help` and `rppp --version`: the modes, where the options are
//! documented, the environment, and how to put rppp in pppd's place.

use rppp::options::InfoRequest;
use rppp::session::exit;

/// `rppp --help`, after the first line (which names the version).
const HELP: &str = "\
Modes:
  rppp [pppd options] plugin pppol2tp.so pppol2tp FD [pppd options]
      One PPP session over L2TP, started as an L2TP daemon (xl2tpd,
      openl2tpd) starts pppd: FD is the session's PPPoL2TP socket, which
      the daemon passes. `pppol2tp FD` may also come from an options file.
  rppp [--ctl PATH] [--metrics ADDR:PORT [--metrics-per-session]]
       --sessions-file FILE [pppd options for every session]
      Many sessions in one process, one line of options each in FILE
      (pppol2tp FD ...); a control socket (default /run/rppp/rppp.ctl)
      and, with --metrics, Prometheus metrics at http://ADDR:PORT/metrics.
  rppp l2tpd [-c xl2tpd.conf] [flags]
      An L2TPv2 LNS and LAC in xl2tpd's place, every session in one
      process (rppp l2tpd --help).
  rppp ctl [--socket PATH] COMMAND
      Asks a running rppp: show sessions, terminate, shutdown
      (rppp ctl --help).
  rppp --version | --help

Any other command line (no pppol2tp FD: PPPoE, a serial line, a pty) is
not PPP over L2TP: its options are checked, then it is handed to the real
pppd.

Options are pppd's (pppd(8)), read as pppd reads them: /etc/ppp/options,
then the command line, with `file F` and `call NAME` read in place. What
rppp does with each option is in the documentation of the rppp::options
module (cargo doc -p rppp --open) and in README.md, \"Departures from
pppd\". An option error exits with 2 and names the option and where it
was (argument N, or FILE:LINE); other exit codes are pppd's too.

Environment:
  RPPP_REAL_PPPD   the real pppd that gets every command line without
                   pppol2tp FD (default /usr/sbin/pppd.real)
  RPPP_SCRIPT_DIR  where ip-up, ip-down and the other scripts are
                   (default /etc/ppp)
  RPPP_CTL_SOCKET  the socket rppp ctl asks (default /run/rppp/rppp.ctl)

In pppd's place under xl2tpd (as root; openl2tpd's ppp_unix is the same):
  mv /usr/sbin/pppd /usr/sbin/pppd.real
  install -m 755 target/release/rppp /usr/sbin/pppd
  systemctl restart xl2tpd
xl2tpd then runs rppp for every L2TP session, and rppp hands every other
PPP link to pppd.real. To undo: mv /usr/sbin/pppd.real /usr/sbin/pppd.";

/// `--version`, `--help`: printed on stdout, exit 0.
pub(crate) fn info(request: InfoRequest) -> u8 {
    match request {
        InfoRequest::Version => println!("rppp version {}", env!("CARGO_PKG_VERSION")),
        InfoRequest::Help => println!(
            "rppp {}: a PPP engine for PPP over L2TP, in pppd's place.\n\n{HELP}",
            env!("CARGO_PKG_VERSION")
        ),
    }
    exit::OK
}
