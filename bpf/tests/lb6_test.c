/* SPDX-License-Identifier: GPL-2.0 */
/* IPv6: service translation over the lb6 maps (VIP -> backend with a valid L4 checksum, reverse NAT of the reply,
 * the wildcard entry), policy on the peer's IPv6 identity (unknown = world), and the IPv6 bad-input rule
 * (truncated headers, extension headers, fragments; Neighbour Discovery passes). */
#include "lib/datapath.h"

#define CLIENT6 0xfd000244, 3
#define VIP6 0xfd000096, 0x10
#define BACKEND6 0xfd000244, 0x10005
#define PEER6 0xfd000244, 0x20007
#define OTHER6 0x20010db8, 9
#define CLIENT_PORT bpf_htons(40000)
#define VIP_PORT bpf_htons(80)
#define BACKEND_PORT bpf_htons(8080)
#define REV_NAT bpf_htons(9)
#define PEER_IDENTITY 1000

#define IP6_L4OFF (sizeof(struct ethhdr) + sizeof(struct ipv6hdr))

static __always_inline void vip6_service(void)
{
	union v6addr vip, backend;

	mt_ip6(&vip, VIP6);
	mt_ip6(&backend, BACKEND6);
	mt_lb6_service(&vip, VIP_PORT, IPPROTO_TCP, 1, REV_NAT, 0);
	mt_lb6_slot(&vip, VIP_PORT, IPPROTO_TCP, 1, 1, REV_NAT);
	mt_lb6_backend(1, &backend, BACKEND_PORT, IPPROTO_TCP);
	mt_lb6_rev_nat(REV_NAT, &vip, VIP_PORT);
}

static __always_inline int expect_drop6(struct __sk_buff *ctx, __u32 reason)
{
	__u32 status = 0;

	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	ASSERT_EQ(status, TC_ACT_SHOT);
	ASSERT_EQ(ctx->cb[MESH_CB_DROP_REASON], reason);
	test_finish();
}

static __always_inline int expect_pass6(struct __sk_buff *ctx)
{
	__u32 status = 0;

	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	ASSERT_EQ(status, TC_ACT_OK);
	test_finish();
}

/* ---- VIP6 -> backend -------------------------------------------------------------------------------- */

PKTGEN("tc", "lb6_vip_to_backend")
int lb6_vip_pktgen(struct __sk_buff *ctx)
{
	union v6addr client, vip;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&vip, VIP6);
	return mt_pktgen_tcp6(ctx, &client, &vip, CLIENT_PORT, VIP_PORT, 1, 0);
}

SETUP("tc", "lb6_vip_to_backend")
int lb6_vip_setup(struct __sk_buff *ctx)
{
	vip6_service();
	mt_policy(0, POLICY_EGRESS, 0, 0, 0, MT_ALLOW);
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "lb6_vip_to_backend")
int lb6_vip_check(struct __sk_buff *ctx)
{
	union v6addr client, vip, backend;
	struct mt_tcp6 pkt;
	struct ct_entry *ct;
	__u32 status = 0;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&vip, VIP6);
	mt_ip6(&backend, BACKEND6);
	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	assert(mt_read_tcp6(ctx, &pkt) == 0);
	ASSERT_EQ(status, TC_ACT_OK);
	TEST("destination is the backend", {
		assert(mt_ip6_equal(&pkt.ip.daddr, &backend));
		ASSERT_EQ(pkt.tcp.dest, BACKEND_PORT);
	});
	TEST("source is untouched", {
		assert(mt_ip6_equal(&pkt.ip.saddr, &client));
		ASSERT_EQ(pkt.tcp.source, CLIENT_PORT);
	});
	TEST("tcp checksum over the new pseudo header is valid", {
		ASSERT_EQ(mt_l4_sum6(&pkt.ip, &pkt.tcp, sizeof(pkt.tcp) + MT_PAYLOAD), 0xffff);
	});
	TEST("connection is tracked in mesh_ct6", {
		ct = mt_ct6_get(&client, &backend, CLIENT_PORT, BACKEND_PORT, IPPROTO_TCP, CT_EGRESS);
		assert(ct);
		ASSERT_EQ(ct->rev_nat_index, REV_NAT);
		ct = mt_ct6_get(&client, &vip, CLIENT_PORT, VIP_PORT, IPPROTO_TCP, CT_SERVICE);
		assert(ct);
		ASSERT_EQ(ct->backend_id, 1);
	});
	test_finish();
}

/* ---- UDP over IPv6: the checksum stays valid ------------------------------------------------------- */

PKTGEN("tc", "lb6_udp_vip_to_backend")
int lb6_udp_pktgen(struct __sk_buff *ctx)
{
	union v6addr client, vip;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&vip, VIP6);
	return mt_pktgen_udp6(ctx, &client, &vip, CLIENT_PORT, bpf_htons(53));
}

SETUP("tc", "lb6_udp_vip_to_backend")
int lb6_udp_setup(struct __sk_buff *ctx)
{
	union v6addr vip, backend;

	mt_ip6(&vip, VIP6);
	mt_ip6(&backend, BACKEND6);
	mt_lb6_service(&vip, bpf_htons(53), IPPROTO_UDP, 1, REV_NAT, 0);
	mt_lb6_slot(&vip, bpf_htons(53), IPPROTO_UDP, 1, 3, REV_NAT);
	mt_lb6_backend(3, &backend, bpf_htons(5353), IPPROTO_UDP);
	mt_policy(0, POLICY_EGRESS, 0, 0, 0, MT_ALLOW);
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "lb6_udp_vip_to_backend")
int lb6_udp_check(struct __sk_buff *ctx)
{
	union v6addr backend;
	struct mt_udp6 pkt;
	__u32 status = 0;

	mt_ip6(&backend, BACKEND6);
	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	assert(mt_read_udp6(ctx, &pkt) == 0);
	ASSERT_EQ(status, TC_ACT_OK);
	assert(mt_ip6_equal(&pkt.ip.daddr, &backend));
	ASSERT_EQ(pkt.udp.dest, bpf_htons(5353));
	ASSERT_EQ(mt_l4_sum6(&pkt.ip, &pkt.udp, sizeof(pkt.udp) + MT_PAYLOAD), 0xffff);
	test_finish();
}

/* ---- reverse NAT of the reply ----------------------------------------------------------------------- */

PKTGEN("tc", "lb6_reply_reverse_nat")
int lb6_reply_pktgen(struct __sk_buff *ctx)
{
	union v6addr client, backend;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&backend, BACKEND6);
	return mt_pktgen_tcp6(ctx, &backend, &client, BACKEND_PORT, CLIENT_PORT, 1, 1);
}

SETUP("tc", "lb6_reply_reverse_nat")
int lb6_reply_setup(struct __sk_buff *ctx)
{
	union v6addr client, vip, backend;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&vip, VIP6);
	mt_ip6(&backend, BACKEND6);
	mt_lb6_rev_nat(REV_NAT, &vip, VIP_PORT);
	mt_ct6(&client, &backend, CLIENT_PORT, BACKEND_PORT, IPPROTO_TCP, CT_EGRESS, 0, REV_NAT);
	/* No ingress policy: the reply passes through conntrack alone. */
	return mesh_handle_to_container(ctx);
}

CHECK("tc", "lb6_reply_reverse_nat")
int lb6_reply_check(struct __sk_buff *ctx)
{
	union v6addr client, vip;
	struct mt_tcp6 pkt;
	__u32 status = 0;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&vip, VIP6);
	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	assert(mt_read_tcp6(ctx, &pkt) == 0);
	ASSERT_EQ(status, TC_ACT_OK);
	TEST("source is the VIP again", {
		assert(mt_ip6_equal(&pkt.ip.saddr, &vip));
		ASSERT_EQ(pkt.tcp.source, VIP_PORT);
	});
	TEST("destination is untouched", {
		assert(mt_ip6_equal(&pkt.ip.daddr, &client));
		ASSERT_EQ(pkt.tcp.dest, CLIENT_PORT);
	});
	TEST("tcp checksum is valid", {
		ASSERT_EQ(mt_l4_sum6(&pkt.ip, &pkt.tcp, sizeof(pkt.tcp) + MT_PAYLOAD), 0xffff);
	});
	test_finish();
}

/* ---- the wildcard entry drops unknown ports of a known VIP6 ---------------------------------------- */

PKTGEN("tc", "lb6_wildcard_drops_unknown_port")
int lb6_wildcard_pktgen(struct __sk_buff *ctx)
{
	union v6addr client, vip;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&vip, VIP6);
	return mt_pktgen_tcp6(ctx, &client, &vip, CLIENT_PORT, bpf_htons(443), 1, 0);
}

SETUP("tc", "lb6_wildcard_drops_unknown_port")
int lb6_wildcard_setup(struct __sk_buff *ctx)
{
	union v6addr vip;

	mt_ip6(&vip, VIP6);
	vip6_service();
	mt_lb6_wildcard(&vip, REV_NAT);
	mt_policy(0, POLICY_EGRESS, 0, 0, 0, MT_ALLOW);
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "lb6_wildcard_drops_unknown_port")
int lb6_wildcard_check(struct __sk_buff *ctx)
{
	union v6addr vip;
	struct mt_tcp6 pkt;
	__u32 status = 0;

	mt_ip6(&vip, VIP6);
	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	assert(mt_read_tcp6(ctx, &pkt) == 0);
	ASSERT_EQ(status, TC_ACT_SHOT);
	ASSERT_EQ(ctx->cb[MESH_CB_DROP_REASON], DROP_UNKNOWN_PORT);
	assert(mt_ip6_equal(&pkt.ip.daddr, &vip));
	test_finish();
}

/* ---- policy on the IPv6 peer's identity ------------------------------------------------------------- */

PKTGEN("tc", "policy6_egress_allowed_by_identity")
int policy6_allow_pktgen(struct __sk_buff *ctx)
{
	union v6addr client, peer;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&peer, PEER6);
	return mt_pktgen_tcp6(ctx, &client, &peer, CLIENT_PORT, VIP_PORT, 1, 0);
}

SETUP("tc", "policy6_egress_allowed_by_identity")
int policy6_allow_setup(struct __sk_buff *ctx)
{
	union v6addr peer;

	mt_ip6(&peer, PEER6);
	mt_ipcache6(&peer, 128, PEER_IDENTITY);
	mt_policy(PEER_IDENTITY, POLICY_EGRESS, IPPROTO_TCP, 80, 16, MT_ALLOW);
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "policy6_egress_allowed_by_identity")
int policy6_allow_check(struct __sk_buff *ctx)
{
	union v6addr client, peer;
	__u32 status = 0;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&peer, PEER6);
	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	ASSERT_EQ(status, TC_ACT_OK);
	assert(mt_ct6_get(&client, &peer, CLIENT_PORT, VIP_PORT, IPPROTO_TCP, CT_EGRESS));
	test_finish();
}

/* The same peer, another port: no entry allows it. */
PKTGEN("tc", "policy6_egress_other_port_drops")
int policy6_port_pktgen(struct __sk_buff *ctx)
{
	union v6addr client, peer;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&peer, PEER6);
	return mt_pktgen_tcp6(ctx, &client, &peer, CLIENT_PORT, bpf_htons(81), 1, 0);
}

SETUP("tc", "policy6_egress_other_port_drops")
int policy6_port_setup(struct __sk_buff *ctx)
{
	union v6addr peer;

	mt_ip6(&peer, PEER6);
	mt_ipcache6(&peer, 128, PEER_IDENTITY);
	mt_policy(PEER_IDENTITY, POLICY_EGRESS, IPPROTO_TCP, 80, 16, MT_ALLOW);
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "policy6_egress_other_port_drops")
int policy6_port_check(struct __sk_buff *ctx)
{
	return expect_drop6(ctx, DROP_POLICY);
}

/* A deny for the peer's identity wins over an allow-all L4 entry. */
PKTGEN("tc", "policy6_egress_deny_wins")
int policy6_deny_pktgen(struct __sk_buff *ctx)
{
	union v6addr client, peer;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&peer, PEER6);
	return mt_pktgen_tcp6(ctx, &client, &peer, CLIENT_PORT, VIP_PORT, 1, 0);
}

SETUP("tc", "policy6_egress_deny_wins")
int policy6_deny_setup(struct __sk_buff *ctx)
{
	union v6addr peer;

	mt_ip6(&peer, PEER6);
	/* A /64 covering the peer: the ipcache's longest-prefix match on the IPv6 key. */
	mt_ipcache6(&peer, 64, PEER_IDENTITY);
	mt_policy(PEER_IDENTITY, POLICY_EGRESS, IPPROTO_TCP, 80, 16, MT_DENY);
	mt_policy(0, POLICY_EGRESS, 0, 0, 0, MT_ALLOW);
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "policy6_egress_deny_wins")
int policy6_deny_check(struct __sk_buff *ctx)
{
	return expect_drop6(ctx, DROP_POLICY_DENY);
}

/* An address the ipcache does not know is the world (identity 2): an ingress entry for world admits it. */
PKTGEN("tc", "policy6_unknown_peer_is_world")
int policy6_world_pktgen(struct __sk_buff *ctx)
{
	union v6addr client, other;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&other, OTHER6);
	return mt_pktgen_tcp6(ctx, &other, &client, bpf_htons(50000), VIP_PORT, 1, 0);
}

SETUP("tc", "policy6_unknown_peer_is_world")
int policy6_world_setup(struct __sk_buff *ctx)
{
	union v6addr peer;

	mt_ip6(&peer, PEER6);
	mt_ipcache6(&peer, 128, PEER_IDENTITY);
	mt_policy(IDENTITY_WORLD, POLICY_INGRESS, IPPROTO_TCP, 80, 16, MT_ALLOW);
	return mesh_handle_to_container(ctx);
}

CHECK("tc", "policy6_unknown_peer_is_world")
int policy6_world_check(struct __sk_buff *ctx)
{
	union v6addr client, other;
	__u32 status = 0;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&other, OTHER6);
	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	ASSERT_EQ(status, TC_ACT_OK);
	assert(mt_ct6_get(&other, &client, bpf_htons(50000), VIP_PORT, IPPROTO_TCP, CT_INGRESS));
	test_finish();
}

/* The same unknown peer when only the known peer's identity is admitted: dropped. */
PKTGEN("tc", "policy6_unknown_peer_not_admitted_drops")
int policy6_world_drop_pktgen(struct __sk_buff *ctx)
{
	union v6addr client, other;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&other, OTHER6);
	return mt_pktgen_tcp6(ctx, &other, &client, bpf_htons(50000), VIP_PORT, 1, 0);
}

SETUP("tc", "policy6_unknown_peer_not_admitted_drops")
int policy6_world_drop_setup(struct __sk_buff *ctx)
{
	union v6addr peer;

	mt_ip6(&peer, PEER6);
	mt_ipcache6(&peer, 128, PEER_IDENTITY);
	mt_policy(PEER_IDENTITY, POLICY_INGRESS, IPPROTO_TCP, 80, 16, MT_ALLOW);
	return mesh_handle_to_container(ctx);
}

CHECK("tc", "policy6_unknown_peer_not_admitted_drops")
int policy6_world_drop_check(struct __sk_buff *ctx)
{
	return expect_drop6(ctx, DROP_POLICY);
}

/* ---- bad input ---------------------------------------------------------------------------------------- */

static __always_inline int emit6_cut(struct __sk_buff *ctx, struct mt_tcp6 *pkt, __u32 len)
{
	if (bpf_skb_change_tail(ctx, len, 0) < 0)
		return -1;
	return bpf_skb_store_bytes(ctx, 0, &pkt->eth, len, 0) < 0 ? -1 : 0;
}

static __always_inline void open_egress_to_vip(void)
{
	vip6_service();
	mt_policy(0, POLICY_EGRESS, 0, 0, 0, MT_ALLOW);
}

/* The IPv6 header is cut after 30 of its 40 bytes. BPF_PROG_RUN refuses an IPv6 frame shorter than the fixed
 * header, so PKTGEN builds a whole packet and SETUP cuts it before the datapath sees it. */
PKTGEN("tc", "ipv6_truncated_header_drops")
int ipv6_trunc_pktgen(struct __sk_buff *ctx)
{
	union v6addr client, vip;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&vip, VIP6);
	return mt_pktgen_tcp6(ctx, &client, &vip, CLIENT_PORT, VIP_PORT, 1, 0);
}

SETUP("tc", "ipv6_truncated_header_drops")
int ipv6_trunc_setup(struct __sk_buff *ctx)
{
	open_egress_to_vip();
	if (bpf_skb_change_tail(ctx, sizeof(struct ethhdr) + 30, 0) < 0)
		return TEST_ERROR;
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "ipv6_truncated_header_drops")
int ipv6_trunc_check(struct __sk_buff *ctx)
{
	return expect_drop6(ctx, DROP_MALFORMED);
}

/* The TCP header is cut after 10 bytes (the payload length still claims the whole segment). */
PKTGEN("tc", "ipv6_truncated_tcp_header_drops")
int ipv6_trunc_tcp_pktgen(struct __sk_buff *ctx)
{
	union v6addr client, vip;
	struct mt_tcp6 pkt;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&vip, VIP6);
	mt_build_tcp6(&pkt, &client, &vip, CLIENT_PORT, VIP_PORT, 1, 0);
	return emit6_cut(ctx, &pkt, IP6_L4OFF + 10);
}

SETUP("tc", "ipv6_truncated_tcp_header_drops")
int ipv6_trunc_tcp_setup(struct __sk_buff *ctx)
{
	open_egress_to_vip();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "ipv6_truncated_tcp_header_drops")
int ipv6_trunc_tcp_check(struct __sk_buff *ctx)
{
	return expect_drop6(ctx, DROP_MALFORMED);
}

/* A payload length that leaves no room for the TCP header (the frame itself is whole). */
PKTGEN("tc", "ipv6_short_payload_length_drops")
int ipv6_short_len_pktgen(struct __sk_buff *ctx)
{
	union v6addr client, vip;
	struct mt_tcp6 pkt;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&vip, VIP6);
	mt_build_tcp6(&pkt, &client, &vip, CLIENT_PORT, VIP_PORT, 1, 0);
	pkt.ip.payload_len = bpf_htons(10);
	return mt_emit(ctx, &pkt.eth, MT_FRAME_LEN(&pkt));
}

SETUP("tc", "ipv6_short_payload_length_drops")
int ipv6_short_len_setup(struct __sk_buff *ctx)
{
	open_egress_to_vip();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "ipv6_short_payload_length_drops")
int ipv6_short_len_check(struct __sk_buff *ctx)
{
	return expect_drop6(ctx, DROP_MALFORMED);
}

/* A hop-by-hop options header in front of TCP: the chain is not walked, so the packet is dropped. */
PKTGEN("tc", "ipv6_extension_header_drops")
int ipv6_exthdr_pktgen(struct __sk_buff *ctx)
{
	union v6addr client, vip;
	struct mt_tcp6 pkt;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&vip, VIP6);
	mt_build_tcp6(&pkt, &client, &vip, CLIENT_PORT, VIP_PORT, 1, 0);
	pkt.ip.nexthdr = 0;
	return mt_emit(ctx, &pkt.eth, MT_FRAME_LEN(&pkt));
}

SETUP("tc", "ipv6_extension_header_drops")
int ipv6_exthdr_setup(struct __sk_buff *ctx)
{
	open_egress_to_vip();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "ipv6_extension_header_drops")
int ipv6_exthdr_check(struct __sk_buff *ctx)
{
	return expect_drop6(ctx, DROP_IPV6_EXTHDR);
}

PKTGEN("tc", "ipv6_fragment_header_drops")
int ipv6_frag_pktgen(struct __sk_buff *ctx)
{
	union v6addr client, vip;
	struct mt_tcp6 pkt;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&vip, VIP6);
	mt_build_tcp6(&pkt, &client, &vip, CLIENT_PORT, VIP_PORT, 1, 0);
	pkt.ip.nexthdr = 44;
	return mt_emit(ctx, &pkt.eth, MT_FRAME_LEN(&pkt));
}

SETUP("tc", "ipv6_fragment_header_drops")
int ipv6_frag_setup(struct __sk_buff *ctx)
{
	open_egress_to_vip();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "ipv6_fragment_header_drops")
int ipv6_frag_check(struct __sk_buff *ctx)
{
	return expect_drop6(ctx, DROP_FRAGMENT);
}

/* ---- ICMPv6: Neighbour Discovery passes without policy; other ICMPv6 is judged ------------------------- */

static __always_inline int emit_icmp6(struct __sk_buff *ctx, __u8 type)
{
	union v6addr client, peer;

	mt_ip6(&client, CLIENT6);
	mt_ip6(&peer, PEER6);
	struct mt_tcp6 pkt;   /* 28 bytes after the IPv6 header: an ICMPv6 message of that size */

	mt_build_tcp6(&pkt, &client, &peer, 0, 0, 0, 0);
	pkt.ip.nexthdr = IPPROTO_ICMPV6;
	__builtin_memset(&pkt.tcp, 0, sizeof(pkt.tcp) + MT_PAYLOAD);
	((__u8 *)&pkt.tcp)[0] = type;
	return mt_emit(ctx, &pkt.eth, MT_FRAME_LEN(&pkt));
}

PKTGEN("tc", "ipv6_neighbour_solicitation_passes")
int ipv6_ns_pktgen(struct __sk_buff *ctx)
{
	return emit_icmp6(ctx, 135);
}

SETUP("tc", "ipv6_neighbour_solicitation_passes")
int ipv6_ns_setup(struct __sk_buff *ctx)
{
	/* No policy entry at all: anything judged would be dropped. */
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "ipv6_neighbour_solicitation_passes")
int ipv6_ns_check(struct __sk_buff *ctx)
{
	return expect_pass6(ctx);
}

PKTGEN("tc", "ipv6_echo_request_is_judged")
int ipv6_echo_pktgen(struct __sk_buff *ctx)
{
	return emit_icmp6(ctx, 128);
}

SETUP("tc", "ipv6_echo_request_is_judged")
int ipv6_echo_setup(struct __sk_buff *ctx)
{
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "ipv6_echo_request_is_judged")
int ipv6_echo_check(struct __sk_buff *ctx)
{
	return expect_drop6(ctx, DROP_POLICY);
}
