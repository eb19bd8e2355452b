/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Reads openl2tpd's session, tunnel and PPP profile into the flat
 * struct rppp_ol_session (shim.h). Compiled against openl2tpd's headers
 * by build.rs; runs on openl2tpd's event-loop thread, inside a hook.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp_private.h"
#include "shim.h"

static int copy_text(char *to, const char *from)
{
	size_t n;

	to[0] = '\0';
	if (from == NULL) {
		return 0;
	}
	n = strlen(from);
	if (n >= RPPP_OL_TEXT) {
		return -ENAMETOOLONG;
	}
	memcpy(to, from, n + 1);
	return 0;
}

#define SET1(field, flag) ((p->flags & (flag)) ? p->field : 0)
#define SET2(field, flag) ((p->flags2 & (flag)) ? p->field : 0)

static int read_profile(struct rppp_ol_session *out, const char *name, int tunnel_mtu)
{
	struct l2tp_api_ppp_profile_msg_data *p;
	int result = 0;

	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		return -ENOMEM;
	}
	if (name == NULL || name[0] == '\0') {
		name = L2TP_API_PPP_PROFILE_DEFAULT_PROFILE_NAME;
	}
	out->profile_result = l2tp_ppp_profile_get((char *) name, p);
	if (out->profile_result < 0) {
		l2tp_ppp_profile_msg_free(p);
		return 0;
	}
	out->trace_flags = p->trace_flags;
	out->asyncmap = SET1(asyncmap, L2TP_API_PPP_PROFILE_FLAG_ASYNCMAP);
	out->mtu = tunnel_mtu;
	if ((p->flags & L2TP_API_PPP_PROFILE_FLAG_MTU) && p->mtu < out->mtu) {
		out->mtu = p->mtu;
	}
	out->mru = tunnel_mtu;
	if ((p->flags & L2TP_API_PPP_PROFILE_FLAG_MRU) && p->mru < out->mru) {
		out->mru = p->mru;
	}
	if (!(p->flags & L2TP_API_PPP_PROFILE_FLAG_MTU)) {
		out->mtu = 0;
	}
	if (!(p->flags & L2TP_API_PPP_PROFILE_FLAG_MRU)) {
		out->mru = 0;
	}
	out->auth_none = p->auth_none;
	out->auth_peer = p->auth_peer;
	out->refuse_pap = SET2(auth_refuse_pap, L2TP_API_PPP_PROFILE_FLAG_AUTH_REFUSE_PAP);
	out->refuse_chap = SET2(auth_refuse_chap, L2TP_API_PPP_PROFILE_FLAG_AUTH_REFUSE_CHAP);
	out->refuse_mschap = SET2(auth_refuse_mschap, L2TP_API_PPP_PROFILE_FLAG_AUTH_REFUSE_MSCHAP);
	out->refuse_mschapv2 = SET2(auth_refuse_mschapv2, L2TP_API_PPP_PROFILE_FLAG_AUTH_REFUSE_MSCHAPV2);
	out->refuse_eap = SET2(auth_refuse_eap, L2TP_API_PPP_PROFILE_FLAG_AUTH_REFUSE_EAP);
	out->sync_mode_set = (p->flags & L2TP_API_PPP_PROFILE_FLAG_SYNC_MODE) != 0;
	out->sync_mode = p->sync_mode;
	out->chap_interval = SET1(chap_interval, L2TP_API_PPP_PROFILE_FLAG_CHAP_INTERVAL);
	out->chap_max_challenge = SET1(chap_max_challenge, L2TP_API_PPP_PROFILE_FLAG_CHAP_MAX_CHALLENGE);
	out->chap_restart = SET1(chap_restart, L2TP_API_PPP_PROFILE_FLAG_CHAP_RESTART);
	out->pap_max_auth_requests = SET1(pap_max_auth_requests, L2TP_API_PPP_PROFILE_FLAG_PAP_MAX_AUTH_REQUESTS);
	out->pap_restart_interval = SET1(pap_restart_interval, L2TP_API_PPP_PROFILE_FLAG_PAP_RESTART_INTERVAL);
	out->pap_timeout = SET1(pap_timeout, L2TP_API_PPP_PROFILE_FLAG_PAP_TIMEOUT);
	out->idle_timeout = SET1(idle_timeout, L2TP_API_PPP_PROFILE_FLAG_IDLE_TIMEOUT);
	out->ipcp_max_config_requests = SET1(ipcp_max_config_requests, L2TP_API_PPP_PROFILE_FLAG_IPCP_MAX_CONFIG_REQUESTS);
	out->ipcp_max_config_naks = SET1(ipcp_max_config_naks, L2TP_API_PPP_PROFILE_FLAG_IPCP_MAX_CONFIG_NAKS);
	out->ipcp_max_terminate_requests = SET1(ipcp_max_terminate_requests, L2TP_API_PPP_PROFILE_FLAG_IPCP_MAX_TERMINATE_REQUESTS);
	out->ipcp_retransmit_interval = SET1(ipcp_retransmit_interval, L2TP_API_PPP_PROFILE_FLAG_IPCP_RETRANSMIT_INTERVAL);
	out->lcp_echo_failure_count = SET1(lcp_echo_failure_count, L2TP_API_PPP_PROFILE_FLAG_LCP_ECHO_FAILURE_COUNT);
	out->lcp_echo_interval = SET1(lcp_echo_interval, L2TP_API_PPP_PROFILE_FLAG_LCP_ECHO_INTERVAL);
	out->lcp_max_config_requests = SET1(lcp_max_config_requests, L2TP_API_PPP_PROFILE_FLAG_LCP_MAX_CONFIG_REQUESTS);
	out->lcp_max_config_naks = SET1(lcp_max_config_naks, L2TP_API_PPP_PROFILE_FLAG_LCP_MAX_CONFIG_NAKS);
	out->lcp_max_terminate_requests = SET1(lcp_max_terminate_requests, L2TP_API_PPP_PROFILE_FLAG_LCP_MAX_TERMINATE_REQUESTS);
	out->lcp_retransmit_interval = SET1(lcp_retransmit_interval, L2TP_API_PPP_PROFILE_FLAG_LCP_RETRANSMIT_INTERVAL);
	out->max_connect_time = SET1(max_connect_time, L2TP_API_PPP_PROFILE_FLAG_MAX_CONNECT_TIME);
	out->max_failure_count = SET1(max_failure_count, L2TP_API_PPP_PROFILE_FLAG_MAX_FAILURE_COUNT);
	out->local_ip = SET2(local_ip_addr.s_addr, L2TP_API_PPP_PROFILE_FLAG_LOCAL_IP_ADDR);
	out->peer_ip = SET2(peer_ip_addr.s_addr, L2TP_API_PPP_PROFILE_FLAG_PEER_IP_ADDR);
	out->dns_1 = SET2(dns_addr_1.s_addr, L2TP_API_PPP_PROFILE_FLAG_DNS_ADDR_1);
	out->dns_2 = SET2(dns_addr_2.s_addr, L2TP_API_PPP_PROFILE_FLAG_DNS_ADDR_2);
	out->wins_1 = SET2(wins_addr_1.s_addr, L2TP_API_PPP_PROFILE_FLAG_WINS_ADDR_1);
	out->wins_2 = SET2(wins_addr_2.s_addr, L2TP_API_PPP_PROFILE_FLAG_WINS_ADDR_2);
	out->use_radius = SET1(use_radius, L2TP_API_PPP_PROFILE_FLAG_USE_RADIUS);
	out->default_route_set = (p->flags2 & L2TP_API_PPP_PROFILE_FLAG_USE_AS_DEFAULT_ROUTE) != 0;
	out->default_route = p->use_as_default_route;
	out->multilink = SET2(multilink, L2TP_API_PPP_PROFILE_FLAG_MULTILINK);
	out->proxy_arp = SET2(proxy_arp, L2TP_API_PPP_PROFILE_FLAG_PROXY_ARP);
	if (p->flags2 & L2TP_API_PPP_PROFILE_FLAG_IP_POOL_NAME) {
		result = result ? result : copy_text(out->ip_pool_name, OPTSTRING_PTR(p->ip_pool_name));
	}
	if (p->flags2 & L2TP_API_PPP_PROFILE_FLAG_LOCAL_NAME) {
		result = result ? result : copy_text(out->local_name, OPTSTRING_PTR(p->local_name));
	}
	if (p->flags2 & L2TP_API_PPP_PROFILE_FLAG_REMOTE_NAME) {
		result = result ? result : copy_text(out->remote_name, OPTSTRING_PTR(p->remote_name));
	}
	l2tp_ppp_profile_msg_free(p);
	return result;
}

int rppp_ol_read(const struct l2tp_session *session, struct rppp_ol_session *out)
{
	struct l2tp_session_config const *cfg = l2tp_session_get_config(session);
	struct l2tp_tunnel *tunnel = l2tp_session_get_tunnel(session);
	struct sockaddr_in const *peer;
	int result = 0;

	memset(out, 0, sizeof(*out));
	out->no_ppp = cfg->no_ppp;
	out->use_ppp_proxy = cfg->use_ppp_proxy;
	out->send_seq = cfg->use_sequence_numbers;
	out->recv_seq = cfg->sequencing_required;
	out->reorder_timeout = cfg->reorder_timeout;
	out->is_lns = l2tp_session_is_lns(session);
	out->created_by_admin = l2tp_session_is_created_by_admin(session);
	result = result ? result : copy_text(out->ppp_profile_name, cfg->ppp_profile_name);
	result = result ? result : copy_text(out->user_name, cfg->user_name);
	result = result ? result : copy_text(out->user_password, cfg->user_password);
	result = result ? result : copy_text(out->interface_name, cfg->interface_name);

	out->tunnel_fd = l2tp_tunnel_get_fd(tunnel);
	peer = l2tp_tunnel_get_peer_addr(tunnel);
	out->peer_addr = peer->sin_addr.s_addr;
	out->peer_port = peer->sin_port;

	if (result == 0) {
		result = read_profile(out, out->ppp_profile_name, l2tp_tunnel_get_mtu(tunnel));
	}
	return result;
}
