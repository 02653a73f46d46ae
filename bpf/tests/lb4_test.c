/* SPDX-License-Identifier: GPL-2.0 */
/* Service translation: VIP -> backend with valid checksums, reverse NAT of the reply, the wildcard entry,
 * backends of a remote cluster, connection stickiness, services without backends. */
#include "lib/datapath.h"

#define CLIENT_IP MT_IP4(10, 244, 0, 3)
#define CLIENT_PORT bpf_htons(40000)
#define VIP MT_IP4(10, 96, 0, 10)
#define VIP_PORT bpf_htons(80)
#define BACKEND_IP MT_IP4(10, 244, 1, 5)
#define BACKEND_PORT bpf_htons(8080)
#define REMOTE_BACKEND_1 MT_IP4(10, 2, 1, 7)
#define REMOTE_BACKEND_2 MT_IP4(10, 2, 2, 9)
#define REMOTE_CLUSTER 2
#define REV_NAT bpf_htons(7)

/* Egress allowed to any peer, so these tests see translation only. */
static __always_inline void allow_all_egress(void)
{
	mt_policy(0, POLICY_EGRESS, 0, 0, 0, MT_ALLOW);
}

/* ---- VIP -> backend ------------------------------------------------------------------------------- */

PKTGEN("tc", "lb4_vip_to_backend")
int lb4_vip_to_backend_pktgen(struct __sk_buff *ctx)
{
	return mt_pktgen_tcp4(ctx, CLIENT_IP, VIP, CLIENT_PORT, VIP_PORT, 1, 0);
}

SETUP("tc", "lb4_vip_to_backend")
int lb4_vip_to_backend_setup(struct __sk_buff *ctx)
{
	mt_lb4_service(VIP, VIP_PORT, IPPROTO_TCP, 1, REV_NAT, 0);
	mt_lb4_slot(VIP, VIP_PORT, IPPROTO_TCP, 1, 1, REV_NAT);
	mt_lb4_backend(1, BACKEND_IP, BACKEND_PORT, IPPROTO_TCP, 0);
	mt_lb4_rev_nat(REV_NAT, VIP, VIP_PORT);
	allow_all_egress();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "lb4_vip_to_backend")
int lb4_vip_to_backend_check(struct __sk_buff *ctx)
{
	struct mt_tcp4 pkt;
	struct ct_entry *ct;
	__u32 status = 0;

	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	assert(mt_read_tcp4(ctx, &pkt) == 0);
	ASSERT_EQ(status, TC_ACT_OK);
	TEST("destination is the backend", {
		ASSERT_EQ(pkt.ip.daddr, BACKEND_IP);
		ASSERT_EQ(pkt.tcp.dest, BACKEND_PORT);
	});
	TEST("source is untouched", {
		ASSERT_EQ(pkt.ip.saddr, CLIENT_IP);
		ASSERT_EQ(pkt.tcp.source, CLIENT_PORT);
	});
	TEST("ip and tcp checksums are valid", {
		ASSERT_EQ(mt_ip_sum(&pkt.ip), 0xffff);
		ASSERT_EQ(mt_l4_sum(&pkt.ip, &pkt.tcp, sizeof(pkt.tcp) + MT_PAYLOAD), 0xffff);
	});
	TEST("connection is tracked for the reply's reverse NAT", {
		ct = mt_ct4_get(CLIENT_IP, BACKEND_IP, CLIENT_PORT, BACKEND_PORT, IPPROTO_TCP, CT_EGRESS);
		assert(ct);
		ASSERT_EQ(ct->rev_nat_index, REV_NAT);
		ct = mt_ct4_get(CLIENT_IP, VIP, CLIENT_PORT, VIP_PORT, IPPROTO_TCP, CT_SERVICE);
		assert(ct);
		ASSERT_EQ(ct->backend_id, 1);
	});
	test_finish();
}

/* ---- UDP: the same translation keeps the UDP checksum valid -------------------------------------- */

PKTGEN("tc", "lb4_udp_vip_to_backend")
int lb4_udp_pktgen(struct __sk_buff *ctx)
{
	return mt_pktgen_udp4(ctx, CLIENT_IP, VIP, CLIENT_PORT, bpf_htons(53));
}

SETUP("tc", "lb4_udp_vip_to_backend")
int lb4_udp_setup(struct __sk_buff *ctx)
{
	mt_lb4_service(VIP, bpf_htons(53), IPPROTO_UDP, 1, REV_NAT, 0);
	mt_lb4_slot(VIP, bpf_htons(53), IPPROTO_UDP, 1, 3, REV_NAT);
	mt_lb4_backend(3, BACKEND_IP, bpf_htons(5353), IPPROTO_UDP, 0);
	allow_all_egress();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "lb4_udp_vip_to_backend")
int lb4_udp_check(struct __sk_buff *ctx)
{
	struct mt_udp4 pkt;
	__u32 status = 0;

	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	assert(mt_read_udp4(ctx, &pkt) == 0);
	ASSERT_EQ(status, TC_ACT_OK);
	ASSERT_EQ(pkt.ip.daddr, BACKEND_IP);
	ASSERT_EQ(pkt.udp.dest, bpf_htons(5353));
	assert(mt_udp4_checksums_ok(&pkt));
	test_finish();
}

/* ---- reverse NAT of the reply --------------------------------------------------------------------- */

PKTGEN("tc", "lb4_reply_reverse_nat")
int lb4_reply_pktgen(struct __sk_buff *ctx)
{
	return mt_pktgen_tcp4(ctx, BACKEND_IP, CLIENT_IP, BACKEND_PORT, CLIENT_PORT, 1, 1);
}

SETUP("tc", "lb4_reply_reverse_nat")
int lb4_reply_setup(struct __sk_buff *ctx)
{
	mt_lb4_rev_nat(REV_NAT, VIP, VIP_PORT);
	/* The client's connection as its first packet left it: translated to the backend, allowed. */
	mt_ct4(CLIENT_IP, BACKEND_IP, CLIENT_PORT, BACKEND_PORT, IPPROTO_TCP, CT_EGRESS, 0, REV_NAT);
	/* The client accepts nothing by policy: the reply passes through conntrack alone. */
	return mesh_handle_to_container(ctx);
}

CHECK("tc", "lb4_reply_reverse_nat")
int lb4_reply_check(struct __sk_buff *ctx)
{
	struct mt_tcp4 pkt;
	__u32 status = 0;

	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	assert(mt_read_tcp4(ctx, &pkt) == 0);
	ASSERT_EQ(status, TC_ACT_OK);
	TEST("source is the VIP again", {
		ASSERT_EQ(pkt.ip.saddr, VIP);
		ASSERT_EQ(pkt.tcp.source, VIP_PORT);
	});
	TEST("destination is untouched", {
		ASSERT_EQ(pkt.ip.daddr, CLIENT_IP);
		ASSERT_EQ(pkt.tcp.dest, CLIENT_PORT);
	});
	TEST("ip and tcp checksums are valid", { assert(mt_tcp4_checksums_ok(&pkt)); });
	test_finish();
}

/* ---- the wildcard entry drops unknown ports of a known VIP ---------------------------------------- */

PKTGEN("tc", "lb4_wildcard_drops_unknown_port")
int lb4_wildcard_pktgen(struct __sk_buff *ctx)
{
	return mt_pktgen_tcp4(ctx, CLIENT_IP, VIP, CLIENT_PORT, bpf_htons(443), 1, 0);
}

SETUP("tc", "lb4_wildcard_drops_unknown_port")
int lb4_wildcard_setup(struct __sk_buff *ctx)
{
	mt_lb4_service(VIP, VIP_PORT, IPPROTO_TCP, 1, REV_NAT, 0);
	mt_lb4_slot(VIP, VIP_PORT, IPPROTO_TCP, 1, 1, REV_NAT);
	mt_lb4_backend(1, BACKEND_IP, BACKEND_PORT, IPPROTO_TCP, 0);
	mt_lb4_wildcard(VIP, REV_NAT);
	allow_all_egress();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "lb4_wildcard_drops_unknown_port")
int lb4_wildcard_check(struct __sk_buff *ctx)
{
	struct mt_tcp4 pkt;
	__u32 status = 0;

	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	assert(mt_read_tcp4(ctx, &pkt) == 0);
	ASSERT_EQ(status, TC_ACT_SHOT);
	ASSERT_EQ(ctx->cb[MESH_CB_DROP_REASON], DROP_UNKNOWN_PORT);
	ASSERT_EQ(pkt.ip.daddr, VIP);
	test_finish();
}

/* Without a wildcard entry an unknown port of the VIP is not a service: it goes on untranslated. */
PKTGEN("tc", "lb4_unknown_port_without_wildcard_passes")
int lb4_nowild_pktgen(struct __sk_buff *ctx)
{
	return mt_pktgen_tcp4(ctx, CLIENT_IP, VIP, CLIENT_PORT, bpf_htons(443), 1, 0);
}

SETUP("tc", "lb4_unknown_port_without_wildcard_passes")
int lb4_nowild_setup(struct __sk_buff *ctx)
{
	mt_lb4_service(VIP, VIP_PORT, IPPROTO_TCP, 1, REV_NAT, 0);
	mt_lb4_slot(VIP, VIP_PORT, IPPROTO_TCP, 1, 1, REV_NAT);
	mt_lb4_backend(1, BACKEND_IP, BACKEND_PORT, IPPROTO_TCP, 0);
	allow_all_egress();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "lb4_unknown_port_without_wildcard_passes")
int lb4_nowild_check(struct __sk_buff *ctx)
{
	struct mt_tcp4 pkt;
	__u32 status = 0;

	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	assert(mt_read_tcp4(ctx, &pkt) == 0);
	ASSERT_EQ(status, TC_ACT_OK);
	ASSERT_EQ(pkt.ip.daddr, VIP);
	ASSERT_EQ(pkt.tcp.dest, bpf_htons(443));
	test_finish();
}

/* ---- only remote-cluster backends: one of them is chosen ------------------------------------------ */

PKTGEN("tc", "lb4_remote_cluster_backend")
int lb4_remote_pktgen(struct __sk_buff *ctx)
{
	return mt_pktgen_tcp4(ctx, CLIENT_IP, VIP, CLIENT_PORT, VIP_PORT, 1, 0);
}

SETUP("tc", "lb4_remote_cluster_backend")
int lb4_remote_setup(struct __sk_buff *ctx)
{
	mt_lb4_service(VIP, VIP_PORT, IPPROTO_TCP, 2, REV_NAT, 0);
	mt_lb4_slot(VIP, VIP_PORT, IPPROTO_TCP, 1, 21, REV_NAT);
	mt_lb4_slot(VIP, VIP_PORT, IPPROTO_TCP, 2, 22, REV_NAT);
	mt_lb4_backend(21, REMOTE_BACKEND_1, BACKEND_PORT, IPPROTO_TCP, REMOTE_CLUSTER);
	mt_lb4_backend(22, REMOTE_BACKEND_2, BACKEND_PORT, IPPROTO_TCP, REMOTE_CLUSTER);
	allow_all_egress();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "lb4_remote_cluster_backend")
int lb4_remote_check(struct __sk_buff *ctx)
{
	struct mt_tcp4 pkt;
	struct ct_entry *ct;
	struct lb4_backend *backend;
	__u32 status = 0, id;

	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	assert(mt_read_tcp4(ctx, &pkt) == 0);
	ASSERT_EQ(status, TC_ACT_OK);
	TEST("a remote backend is the destination", {
		assert(pkt.ip.daddr == REMOTE_BACKEND_1 || pkt.ip.daddr == REMOTE_BACKEND_2);
		ASSERT_EQ(pkt.tcp.dest, BACKEND_PORT);
		assert(mt_tcp4_checksums_ok(&pkt));
	});
	TEST("the connection sticks to that remote backend", {
		ct = mt_ct4_get(CLIENT_IP, VIP, CLIENT_PORT, VIP_PORT, IPPROTO_TCP, CT_SERVICE);
		assert(ct);
		id = ct->backend_id;
		backend = bpf_map_lookup_elem(&cilium_lb4_backends_v3, &id);
		assert(backend);
		ASSERT_EQ(backend->cluster_id, REMOTE_CLUSTER);
		ASSERT_EQ(backend->address, pkt.ip.daddr);
	});
	test_finish();
}

/* ---- an established connection keeps its backend ------------------------------------------------- */

PKTGEN("tc", "lb4_established_keeps_backend")
int lb4_sticky_pktgen(struct __sk_buff *ctx)
{
	return mt_pktgen_tcp4(ctx, CLIENT_IP, VIP, CLIENT_PORT, VIP_PORT, 0, 1);
}

SETUP("tc", "lb4_established_keeps_backend")
int lb4_sticky_setup(struct __sk_buff *ctx)
{
	mt_lb4_service(VIP, VIP_PORT, IPPROTO_TCP, 2, REV_NAT, 0);
	mt_lb4_slot(VIP, VIP_PORT, IPPROTO_TCP, 1, 21, REV_NAT);
	mt_lb4_slot(VIP, VIP_PORT, IPPROTO_TCP, 2, 22, REV_NAT);
	mt_lb4_backend(21, REMOTE_BACKEND_1, BACKEND_PORT, IPPROTO_TCP, REMOTE_CLUSTER);
	mt_lb4_backend(22, REMOTE_BACKEND_2, BACKEND_PORT, IPPROTO_TCP, REMOTE_CLUSTER);
	mt_ct4(CLIENT_IP, VIP, CLIENT_PORT, VIP_PORT, IPPROTO_TCP, CT_SERVICE, 22, REV_NAT);
	allow_all_egress();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "lb4_established_keeps_backend")
int lb4_sticky_check(struct __sk_buff *ctx)
{
	struct mt_tcp4 pkt;
	__u32 status = 0;

	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	assert(mt_read_tcp4(ctx, &pkt) == 0);
	ASSERT_EQ(status, TC_ACT_OK);
	ASSERT_EQ(pkt.ip.daddr, REMOTE_BACKEND_2);
	test_finish();
}

/* ---- a service without backends drops -------------------------------------------------------------- */

PKTGEN("tc", "lb4_no_backend_drops")
int lb4_empty_pktgen(struct __sk_buff *ctx)
{
	return mt_pktgen_tcp4(ctx, CLIENT_IP, VIP, CLIENT_PORT, VIP_PORT, 1, 0);
}

SETUP("tc", "lb4_no_backend_drops")
int lb4_empty_setup(struct __sk_buff *ctx)
{
	mt_lb4_service(VIP, VIP_PORT, IPPROTO_TCP, 0, REV_NAT, 0);
	allow_all_egress();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "lb4_no_backend_drops")
int lb4_empty_check(struct __sk_buff *ctx)
{
	__u32 status = 0;

	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	ASSERT_EQ(status, TC_ACT_SHOT);
	ASSERT_EQ(ctx->cb[MESH_CB_DROP_REASON], DROP_NO_BACKEND);
	test_finish();
}
