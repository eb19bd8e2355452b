/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * What the rppp plugin needs to know about one openl2tpd session, in a
 * flat layout of plain C types that src/ffi.rs mirrors. openl2tpd's own
 * structs (l2tp_session_config has bitfields, the PPP profile is an
 * rpcgen type with optstrings) are read only by shim.c, compiled against
 * openl2tpd's headers; the Rust side never declares them.
 */
#ifndef RPPP_OPENL2TP_SHIM_H
#define RPPP_OPENL2TP_SHIM_H

#include <stdint.h>

#define RPPP_OL_TEXT 256

struct l2tp_session;

struct rppp_ol_session {
	/* The session's configuration. */
	int32_t no_ppp;
	int32_t use_ppp_proxy;
	int32_t send_seq;		/* use_sequence_numbers */
	int32_t recv_seq;		/* sequencing_required */
	int32_t reorder_timeout;	/* ms, 0: none */
	int32_t is_lns;
	int32_t created_by_admin;
	char ppp_profile_name[RPPP_OL_TEXT];
	char user_name[RPPP_OL_TEXT];
	char user_password[RPPP_OL_TEXT];
	char interface_name[RPPP_OL_TEXT];

	/* The tunnel. */
	int32_t tunnel_fd;		/* its UDP socket */
	uint32_t peer_addr;		/* network order */
	uint16_t peer_port;		/* network order */
	uint16_t pad;

	/* The PPP profile: every value is 0 (or "") unless the profile
	 * sets it, so a set flag and a non-zero value mean the same. */
	int32_t profile_result;		/* 0, or l2tp_ppp_profile_get's error */
	uint32_t trace_flags;
	uint32_t asyncmap;
	int32_t mtu;			/* the smaller of the profile's and the tunnel's */
	int32_t mru;
	int32_t auth_none;
	int32_t auth_peer;
	int32_t refuse_pap;
	int32_t refuse_chap;
	int32_t refuse_mschap;
	int32_t refuse_mschapv2;
	int32_t refuse_eap;
	int32_t sync_mode_set;		/* the profile names a sync mode */
	int32_t sync_mode;		/* 0 sync_async, 1 sync, 2 async */
	int32_t chap_interval;
	int32_t chap_max_challenge;
	int32_t chap_restart;
	int32_t pap_max_auth_requests;
	int32_t pap_restart_interval;
	int32_t pap_timeout;
	int32_t idle_timeout;
	int32_t ipcp_max_config_requests;
	int32_t ipcp_max_config_naks;
	int32_t ipcp_max_terminate_requests;
	int32_t ipcp_retransmit_interval;
	int32_t lcp_echo_failure_count;
	int32_t lcp_echo_interval;
	int32_t lcp_max_config_requests;
	int32_t lcp_max_config_naks;
	int32_t lcp_max_terminate_requests;
	int32_t lcp_retransmit_interval;
	int32_t max_connect_time;
	int32_t max_failure_count;
	uint32_t local_ip;		/* network order, 0: none */
	uint32_t peer_ip;
	uint32_t dns_1;
	uint32_t dns_2;
	uint32_t wins_1;
	uint32_t wins_2;
	int32_t use_radius;
	int32_t default_route_set;	/* the profile says yes or no */
	int32_t default_route;
	int32_t multilink;
	int32_t proxy_arp;
	char ip_pool_name[RPPP_OL_TEXT];
	char local_name[RPPP_OL_TEXT];
	char remote_name[RPPP_OL_TEXT];
};

/* Fills `out` for `session`. 0, or -ENAMETOOLONG when a text does not
 * fit (nothing is truncated). The profile's own failure is not an error
 * here: it is in out->profile_result. */
int rppp_ol_read(const struct l2tp_session *session, struct rppp_ol_session *out);

#endif
