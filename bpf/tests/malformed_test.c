/* SPDX-License-Identifier: GPL-2.0 */
/* Bad input (rule in bpf/programs/lib/packet.h): truncated or inconsistent IPv4 packets and fragments are dropped
 * before any translation or policy; frames that are neither IPv4 nor IPv6 pass unchanged (IPv6 bad input: lb6_test.c). */
#include "lib/datapath.h"

#define CLIENT_IP MT_IP4(10, 244, 0, 3)
#define VIP MT_IP4(10, 96, 0, 10)

static __always_inline void service_and_open_policy(void)
{
	mt_lb4_service(VIP, bpf_htons(80), IPPROTO_TCP, 1, bpf_htons(7), 0);
	mt_lb4_slot(VIP, bpf_htons(80), IPPROTO_TCP, 1, 1, bpf_htons(7));
	mt_lb4_backend(1, MT_IP4(10, 244, 1, 5), bpf_htons(8080), IPPROTO_TCP, 0);
	mt_policy(0, POLICY_EGRESS, 0, 0, 0, MT_ALLOW);
}

/* Builds a valid SYN to the VIP, then lets `mangle` change it and `len` cut it. */
static __always_inline int emit_mangled(struct __sk_buff *ctx, struct mt_tcp4 *pkt, __u32 len)
{
	if (bpf_skb_change_tail(ctx, len, 0) < 0)
		return -1;
	return bpf_skb_store_bytes(ctx, 0, &pkt->eth, len, 0) < 0 ? -1 : 0;
}

static __always_inline int expect_drop(struct __sk_buff *ctx, __u32 reason)
{
	__u32 status = 0;

	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	ASSERT_EQ(status, TC_ACT_SHOT);
	ASSERT_EQ(ctx->cb[MESH_CB_DROP_REASON], reason);
	test_finish();
}

/* The TCP header is cut after 10 of its 20 bytes (IP total length still claims the full segment). */
PKTGEN("tc", "malformed_truncated_tcp_header_drops")
int truncated_tcp_pktgen(struct __sk_buff *ctx)
{
	struct mt_tcp4 pkt;

	mt_build_tcp4(&pkt, CLIENT_IP, VIP, bpf_htons(40000), bpf_htons(80), 1, 0);
	return emit_mangled(ctx, &pkt, sizeof(struct ethhdr) + sizeof(struct iphdr) + 10);
}

SETUP("tc", "malformed_truncated_tcp_header_drops")
int truncated_tcp_setup(struct __sk_buff *ctx)
{
	service_and_open_policy();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "malformed_truncated_tcp_header_drops")
int truncated_tcp_check(struct __sk_buff *ctx)
{
	return expect_drop(ctx, DROP_MALFORMED);
}

/* A consistent IP header that says the segment is only 10 bytes: too short for TCP. */
PKTGEN("tc", "malformed_short_total_length_drops")
int short_total_pktgen(struct __sk_buff *ctx)
{
	struct mt_tcp4 pkt;

	mt_build_tcp4(&pkt, CLIENT_IP, VIP, bpf_htons(40000), bpf_htons(80), 1, 0);
	pkt.ip.tot_len = bpf_htons(sizeof(struct iphdr) + 10);
	pkt.ip.check = 0;
	pkt.ip.check = ~mt_ip_sum(&pkt.ip);
	return emit_mangled(ctx, &pkt, MT_FRAME_LEN(&pkt));
}

SETUP("tc", "malformed_short_total_length_drops")
int short_total_setup(struct __sk_buff *ctx)
{
	service_and_open_policy();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "malformed_short_total_length_drops")
int short_total_check(struct __sk_buff *ctx)
{
	return expect_drop(ctx, DROP_MALFORMED);
}

/* The IP header claims 60 bytes (IHL 15): it runs past the 48-byte packet and the frame.
 * (A frame that ends inside the first 20 bytes of the IP header never reaches the program under BPF_PROG_RUN:
 * the kernel refuses such test input with EINVAL.) */
PKTGEN("tc", "malformed_ip_header_beyond_packet_drops")
int long_ihl_pktgen(struct __sk_buff *ctx)
{
	struct mt_tcp4 pkt;

	mt_build_tcp4(&pkt, CLIENT_IP, VIP, bpf_htons(40000), bpf_htons(80), 1, 0);
	pkt.ip.ihl = 15;
	pkt.ip.check = 0;
	pkt.ip.check = ~mt_ip_sum(&pkt.ip);
	return emit_mangled(ctx, &pkt, MT_FRAME_LEN(&pkt));
}

SETUP("tc", "malformed_ip_header_beyond_packet_drops")
int long_ihl_setup(struct __sk_buff *ctx)
{
	service_and_open_policy();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "malformed_ip_header_beyond_packet_drops")
int long_ihl_check(struct __sk_buff *ctx)
{
	return expect_drop(ctx, DROP_MALFORMED);
}

/* IHL below 5 words. */
PKTGEN("tc", "malformed_bad_ihl_drops")
int bad_ihl_pktgen(struct __sk_buff *ctx)
{
	struct mt_tcp4 pkt;

	mt_build_tcp4(&pkt, CLIENT_IP, VIP, bpf_htons(40000), bpf_htons(80), 1, 0);
	pkt.ip.ihl = 4;
	return emit_mangled(ctx, &pkt, MT_FRAME_LEN(&pkt));
}

SETUP("tc", "malformed_bad_ihl_drops")
int bad_ihl_setup(struct __sk_buff *ctx)
{
	service_and_open_policy();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "malformed_bad_ihl_drops")
int bad_ihl_check(struct __sk_buff *ctx)
{
	return expect_drop(ctx, DROP_MALFORMED);
}

/* A TCP data offset pointing past the segment. */
PKTGEN("tc", "malformed_tcp_data_offset_drops")
int bad_doff_pktgen(struct __sk_buff *ctx)
{
	struct mt_tcp4 pkt;

	mt_build_tcp4(&pkt, CLIENT_IP, VIP, bpf_htons(40000), bpf_htons(80), 1, 0);
	pkt.tcp.doff = 15;
	return emit_mangled(ctx, &pkt, MT_FRAME_LEN(&pkt));
}

SETUP("tc", "malformed_tcp_data_offset_drops")
int bad_doff_setup(struct __sk_buff *ctx)
{
	service_and_open_policy();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "malformed_tcp_data_offset_drops")
int bad_doff_check(struct __sk_buff *ctx)
{
	return expect_drop(ctx, DROP_MALFORMED);
}

/* A first fragment (MF set): dropped, not translated. */
PKTGEN("tc", "fragment_drops")
int fragment_pktgen(struct __sk_buff *ctx)
{
	struct mt_tcp4 pkt;

	mt_build_tcp4(&pkt, CLIENT_IP, VIP, bpf_htons(40000), bpf_htons(80), 1, 0);
	pkt.ip.frag_off = bpf_htons(0x2000);
	pkt.ip.check = 0;
	pkt.ip.check = ~mt_ip_sum(&pkt.ip);
	return emit_mangled(ctx, &pkt, MT_FRAME_LEN(&pkt));
}

SETUP("tc", "fragment_drops")
int fragment_setup(struct __sk_buff *ctx)
{
	service_and_open_policy();
	return mesh_handle_from_container(ctx);
}

CHECK("tc", "fragment_drops")
int fragment_check(struct __sk_buff *ctx)
{
	return expect_drop(ctx, DROP_FRAGMENT);
}

/* ARP passes untouched, even with nothing allowed. */
PKTGEN("tc", "non_ipv4_passes_unchanged")
int arp_pktgen(struct __sk_buff *ctx)
{
	struct mt_tcp4 pkt;

	mt_build_tcp4(&pkt, CLIENT_IP, VIP, bpf_htons(40000), bpf_htons(80), 1, 0);
	pkt.eth.h_proto = bpf_htons(ETH_P_ARP);
	return emit_mangled(ctx, &pkt, MT_FRAME_LEN(&pkt));
}

SETUP("tc", "non_ipv4_passes_unchanged")
int arp_setup(struct __sk_buff *ctx)
{
	return mesh_handle_to_container(ctx);
}

CHECK("tc", "non_ipv4_passes_unchanged")
int arp_check(struct __sk_buff *ctx)
{
	struct mt_tcp4 pkt;
	__u32 status = 0;

	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	assert(mt_read_tcp4(ctx, &pkt) == 0);
	ASSERT_EQ(status, TC_ACT_OK);
	ASSERT_EQ(pkt.eth.h_proto, bpf_htons(ETH_P_ARP));
	ASSERT_EQ(pkt.ip.daddr, VIP);
	ASSERT_EQ(pkt.tcp.dest, bpf_htons(80));
	test_finish();
}
