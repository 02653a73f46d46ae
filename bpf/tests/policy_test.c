/* SPDX-License-Identifier: GPL-2.0 */
/* Policy: ingress at the destination endpoint, egress at the source, decided with the endpoint's policy map in
 * the lookup order of spec/policy.md §4 and the peer identity from the ipcache (unknown = world). */
#include "lib/datapath.h"

#define POD_IP MT_IP4(10, 244, 0, 3)
#define PEER_IP MT_IP4(10, 244, 5, 6)
#define PEER_NET MT_IP4(10, 244, 5, 0)
#define PEER_IDENTITY 1000
#define OTHER_IDENTITY 1001
#define OUTSIDE_IP MT_IP4(8, 8, 8, 8)
#define PEER_PORT bpf_htons(50000)

/* The peer's /24 is identity 1000; one address in it has its own /32 identity. */
static __always_inline void peers(void)
{
	mt_ipcache4(PEER_NET, 24, PEER_IDENTITY);
	mt_ipcache4(MT_IP4(10, 244, 5, 99), 32, OTHER_IDENTITY);
}

/* One CHECK shape for all verdict tests. */
static __always_inline int expect_verdict(struct __sk_buff *ctx, __u32 want_status, __u32 want_reason)
{
	__u32 status = 0;

	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	ASSERT_EQ(status, want_status);
	if (want_status == TC_ACT_SHOT) {
		ASSERT_EQ(ctx->cb[MESH_CB_DROP_REASON], want_reason);
	}
	test_finish();
}

#define VERDICT_TEST(name, src, dst, dport, setup_body, handler, want_status, want_reason)    \
	PKTGEN("tc", #name)                                                                     \
	int name##_pktgen(struct __sk_buff *ctx)                                                 \
	{                                                                                        \
		return mt_pktgen_tcp4(ctx, src, dst, PEER_PORT, bpf_htons(dport), 1, 0);           \
	}                                                                                        \
	SETUP("tc", #name)                                                                      \
	int name##_setup(struct __sk_buff *ctx)                                                  \
	{                                                                                        \
		peers();                                                                             \
		setup_body;                                                                          \
		return handler(ctx);                                                                 \
	}                                                                                        \
	CHECK("tc", #name)                                                                      \
	int name##_check(struct __sk_buff *ctx)                                                  \
	{                                                                                        \
		return expect_verdict(ctx, want_status, want_reason);                                \
	}

/* L3+L4 allow for the peer's identity on 80/TCP. */
VERDICT_TEST(policy_ingress_l3l4_allow, PEER_IP, POD_IP, 80,
	     mt_policy(PEER_IDENTITY, POLICY_INGRESS, IPPROTO_TCP, 80, 16, MT_ALLOW),
	     mesh_handle_to_container, TC_ACT_OK, 0)

/* Same rule, another port: nothing allows it. */
VERDICT_TEST(policy_ingress_other_port_drops, PEER_IP, POD_IP, 81,
	     mt_policy(PEER_IDENTITY, POLICY_INGRESS, IPPROTO_TCP, 80, 16, MT_ALLOW),
	     mesh_handle_to_container, TC_ACT_SHOT, DROP_POLICY)

/* The /32 inside the peer's /24 is another identity: the longest ipcache prefix decides. */
VERDICT_TEST(policy_ingress_longest_ipcache_prefix, MT_IP4(10, 244, 5, 99), POD_IP, 80,
	     mt_policy(PEER_IDENTITY, POLICY_INGRESS, IPPROTO_TCP, 80, 16, MT_ALLOW),
	     mesh_handle_to_container, TC_ACT_SHOT, DROP_POLICY)

/* An explicit deny for the peer. */
VERDICT_TEST(policy_ingress_deny, PEER_IP, POD_IP, 22,
	     mt_policy(PEER_IDENTITY, POLICY_INGRESS, IPPROTO_TCP, 22, 16, MT_DENY),
	     mesh_handle_to_container, TC_ACT_SHOT, DROP_POLICY_DENY)

/* L4-only (identity 0) rule: any peer on 443/TCP. */
VERDICT_TEST(policy_ingress_l4_only_allow, PEER_IP, POD_IP, 443,
	     mt_policy(0, POLICY_INGRESS, IPPROTO_TCP, 443, 16, MT_ALLOW),
	     mesh_handle_to_container, TC_ACT_OK, 0)

/* 8080-8095 as one 8080/12 port prefix: 8090 is inside. */
VERDICT_TEST(policy_ingress_port_range_inside, PEER_IP, POD_IP, 8090,
	     mt_policy(PEER_IDENTITY, POLICY_INGRESS, IPPROTO_TCP, 8080, 12, MT_ALLOW),
	     mesh_handle_to_container, TC_ACT_OK, 0)

/* ... and 8096 is outside. */
VERDICT_TEST(policy_ingress_port_range_outside, PEER_IP, POD_IP, 8096,
	     mt_policy(PEER_IDENTITY, POLICY_INGRESS, IPPROTO_TCP, 8080, 12, MT_ALLOW),
	     mesh_handle_to_container, TC_ACT_SHOT, DROP_POLICY)

/* L4-only allow on 80 plus an L3 deny for the peer on 80: the deny wins. */
VERDICT_TEST(policy_ingress_l3_deny_over_l4_allow, PEER_IP, POD_IP, 80,
	     {
		     mt_policy(0, POLICY_INGRESS, IPPROTO_TCP, 80, 16, MT_ALLOW);
		     mt_policy(PEER_IDENTITY, POLICY_INGRESS, IPPROTO_TCP, 80, 16, MT_DENY);
	     },
	     mesh_handle_to_container, TC_ACT_SHOT, DROP_POLICY_DENY)

/* L3+L4 allow for the peer on 80 plus an L4-only deny of all TCP: the higher precedence (deny) wins even though
 * the allow is the more specific entry. */
VERDICT_TEST(policy_ingress_l4_deny_over_l3_allow, PEER_IP, POD_IP, 80,
	     {
		     mt_policy(PEER_IDENTITY, POLICY_INGRESS, IPPROTO_TCP, 80, 16, MT_ALLOW);
		     mt_policy(0, POLICY_INGRESS, IPPROTO_TCP, 0, 0, MT_DENY);
	     },
	     mesh_handle_to_container, TC_ACT_SHOT, DROP_POLICY_DENY)

/* A peer the ipcache does not know is the world (identity 2). */
VERDICT_TEST(policy_ingress_unknown_peer_is_world, OUTSIDE_IP, POD_IP, 80,
	     {
		     mt_policy(IDENTITY_WORLD, POLICY_INGRESS, IPPROTO_TCP, 80, 16, MT_ALLOW);
		     mt_policy(PEER_IDENTITY, POLICY_INGRESS, IPPROTO_TCP, 81, 16, MT_ALLOW);
	     },
	     mesh_handle_to_container, TC_ACT_OK, 0)

/* ... and a rule for another identity does not let the world in. */
VERDICT_TEST(policy_ingress_unknown_peer_not_peer, OUTSIDE_IP, POD_IP, 81,
	     mt_policy(PEER_IDENTITY, POLICY_INGRESS, IPPROTO_TCP, 81, 16, MT_ALLOW),
	     mesh_handle_to_container, TC_ACT_SHOT, DROP_POLICY)

/* An empty policy map (direction enforced, nothing allowed) drops. */
VERDICT_TEST(policy_ingress_empty_map_drops, PEER_IP, POD_IP, 80, {}, mesh_handle_to_container, TC_ACT_SHOT,
	     DROP_POLICY)

/* An ingress rule says nothing about egress. */
VERDICT_TEST(policy_egress_needs_egress_entry, POD_IP, PEER_IP, 80,
	     mt_policy(PEER_IDENTITY, POLICY_INGRESS, IPPROTO_TCP, 80, 16, MT_ALLOW),
	     mesh_handle_from_container, TC_ACT_SHOT, DROP_POLICY)

/* Egress is decided at the source with the destination's identity. */
VERDICT_TEST(policy_egress_l3l4_allow, POD_IP, PEER_IP, 80,
	     mt_policy(PEER_IDENTITY, POLICY_EGRESS, IPPROTO_TCP, 80, 16, MT_ALLOW),
	     mesh_handle_from_container, TC_ACT_OK, 0)

/* An L3-only allow (any protocol, any port) for the peer. */
VERDICT_TEST(policy_egress_l3_only_allow, POD_IP, PEER_IP, 5432,
	     mt_policy(PEER_IDENTITY, POLICY_EGRESS, 0, 0, 0, MT_ALLOW),
	     mesh_handle_from_container, TC_ACT_OK, 0)

/* The reply of a connection the endpoint accepted passes egress without any egress entry. */
VERDICT_TEST(policy_reply_of_accepted_connection_passes, POD_IP, PEER_IP, 50000,
	     mt_ct4(PEER_IP, POD_IP, bpf_htons(50000), PEER_PORT, IPPROTO_TCP, CT_INGRESS, 0, 0),
	     mesh_handle_from_container, TC_ACT_OK, 0)

/* A packet of an accepted connection passes ingress after the rule is gone. */
VERDICT_TEST(policy_established_connection_passes, PEER_IP, POD_IP, 80,
	     mt_ct4(PEER_IP, POD_IP, PEER_PORT, bpf_htons(80), IPPROTO_TCP, CT_INGRESS, 0, 0),
	     mesh_handle_to_container, TC_ACT_OK, 0)

/* The first packet allowed by ingress policy creates the connection's entry. */
PKTGEN("tc", "policy_allow_tracks_connection")
int policy_track_pktgen(struct __sk_buff *ctx)
{
	return mt_pktgen_tcp4(ctx, PEER_IP, POD_IP, PEER_PORT, bpf_htons(80), 1, 0);
}

SETUP("tc", "policy_allow_tracks_connection")
int policy_track_setup(struct __sk_buff *ctx)
{
	peers();
	mt_policy(PEER_IDENTITY, POLICY_INGRESS, IPPROTO_TCP, 80, 16, MT_ALLOW);
	return mesh_handle_to_container(ctx);
}

CHECK("tc", "policy_allow_tracks_connection")
int policy_track_check(struct __sk_buff *ctx)
{
	__u32 status = 0;

	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	ASSERT_EQ(status, TC_ACT_OK);
	assert(mt_ct4_get(PEER_IP, POD_IP, PEER_PORT, bpf_htons(80), IPPROTO_TCP, CT_INGRESS));
	assert(!mt_ct4_get(PEER_IP, POD_IP, PEER_PORT, bpf_htons(80), IPPROTO_TCP, CT_EGRESS));
	test_finish();
}
