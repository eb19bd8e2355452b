//! rppp-ipcp: IPCP (RFC 1332, RFC 1877) and IPv6CP (RFC 5072), built on the
//! option negotiation automaton of `rppp-lcp`. Sans-IO.
#![forbid(unsafe_code)]
