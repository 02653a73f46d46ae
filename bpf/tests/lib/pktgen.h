/* SPDX-License-Identifier: GPL-2.0 */
/* Packet builders for PKTGEN programs and packet readers for CHECK programs: Ethernet + IPv4 + TCP/UDP with an
 * 8-byte payload and correct checksums. */
#ifndef MESH_TEST_PKTGEN_H
#define MESH_TEST_PKTGEN_H

#include "../../programs/include/mesh_bpf.h"

#define MT_PAYLOAD 8
#define MT_STATUS_LEN 4   /* CHECK sees SETUP's verdict before the packet */

/* The frame starts at eth; the two leading bytes align the IP header for the checksum helpers. */
struct mt_tcp4 {
	__u8 align[2];
	struct ethhdr eth;
	struct iphdr ip;
	struct tcphdr tcp;
	__u8 payload[MT_PAYLOAD];
};

struct mt_udp4 {
	__u8 align[2];
	struct ethhdr eth;
	struct iphdr ip;
	struct udphdr udp;
	__u8 payload[MT_PAYLOAD];
};

struct mt_pseudo4 {
	__be32 saddr;
	__be32 daddr;
	__u8 zero;
	__u8 proto;
	__be16 len;
};

#define MT_FRAME_LEN(pkt) (sizeof(*(pkt)) - 2)

#define MT_IP4(a, b, c, d) bpf_htonl(((a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static __always_inline __u16 mt_fold(__s64 sum)
{
	__u32 s = (__u32)sum;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)s;
}

static __always_inline __u16 mt_ip_sum(struct iphdr *ip)
{
	return mt_fold(bpf_csum_diff(0, 0, (__be32 *)ip, sizeof(*ip), 0));
}

/* One's-complement sum of pseudo header and L4 segment (l4len a multiple of 4). */
static __always_inline __u16 mt_l4_sum(struct iphdr *ip, void *l4, __u32 l4len)
{
	struct mt_pseudo4 pseudo = {
		.saddr = ip->saddr,
		.daddr = ip->daddr,
		.proto = ip->protocol,
		.len = bpf_htons(l4len),
	};
	__s64 sum = bpf_csum_diff(0, 0, (__be32 *)&pseudo, sizeof(pseudo), 0);

	return mt_fold(bpf_csum_diff(0, 0, l4, l4len, (__u32)sum));
}

static __always_inline void mt_eth_ip(struct ethhdr *eth, struct iphdr *ip, __u8 proto, __u16 l4len, __be32 saddr,
				      __be32 daddr)
{
	__u8 smac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
	__u8 dmac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };

	__builtin_memcpy(eth->h_source, smac, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, dmac, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = proto;
	ip->tot_len = bpf_htons(sizeof(*ip) + l4len);
	ip->id = bpf_htons(1);
	ip->saddr = saddr;
	ip->daddr = daddr;
	ip->check = 0;
	ip->check = ~mt_ip_sum(ip);
}

/* Replaces the (zeroed) test buffer with the packet. */
static __always_inline int mt_emit(struct __sk_buff *ctx, void *pkt, __u32 len)
{
	if (bpf_skb_change_tail(ctx, len, 0) < 0)
		return -1;
	return bpf_skb_store_bytes(ctx, 0, pkt, len, 0) < 0 ? -1 : 0;
}

static __always_inline void mt_build_tcp4(struct mt_tcp4 *pkt, __be32 saddr, __be32 daddr, __be16 sport, __be16 dport,
					  __u8 syn, __u8 ack)
{
	__builtin_memset(pkt, 0, sizeof(*pkt));
	__builtin_memcpy(pkt->payload, "meshtest", MT_PAYLOAD);
	pkt->tcp.source = sport;
	pkt->tcp.dest = dport;
	pkt->tcp.seq = bpf_htonl(1000);
	pkt->tcp.ack_seq = ack ? bpf_htonl(2000) : 0;
	pkt->tcp.doff = 5;
	pkt->tcp.syn = syn;
	pkt->tcp.ack = ack;
	pkt->tcp.window = bpf_htons(65535);
	mt_eth_ip(&pkt->eth, &pkt->ip, IPPROTO_TCP, sizeof(pkt->tcp) + MT_PAYLOAD, saddr, daddr);
	pkt->tcp.check = 0;
	pkt->tcp.check = ~mt_l4_sum(&pkt->ip, &pkt->tcp, sizeof(pkt->tcp) + MT_PAYLOAD);
}

static __always_inline int mt_pktgen_tcp4(struct __sk_buff *ctx, __be32 saddr, __be32 daddr, __be16 sport,
					  __be16 dport, __u8 syn, __u8 ack)
{
	struct mt_tcp4 pkt;

	mt_build_tcp4(&pkt, saddr, daddr, sport, dport, syn, ack);
	return mt_emit(ctx, &pkt.eth, MT_FRAME_LEN(&pkt));
}

static __always_inline int mt_pktgen_udp4(struct __sk_buff *ctx, __be32 saddr, __be32 daddr, __be16 sport,
					  __be16 dport)
{
	struct mt_udp4 pkt;

	__builtin_memset(&pkt, 0, sizeof(pkt));
	__builtin_memcpy(pkt.payload, "meshtest", MT_PAYLOAD);
	pkt.udp.source = sport;
	pkt.udp.dest = dport;
	pkt.udp.len = bpf_htons(sizeof(pkt.udp) + MT_PAYLOAD);
	mt_eth_ip(&pkt.eth, &pkt.ip, IPPROTO_UDP, sizeof(pkt.udp) + MT_PAYLOAD, saddr, daddr);
	pkt.udp.check = 0;
	pkt.udp.check = ~mt_l4_sum(&pkt.ip, &pkt.udp, sizeof(pkt.udp) + MT_PAYLOAD);
	return mt_emit(ctx, &pkt.eth, MT_FRAME_LEN(&pkt));
}

/* CHECK side: SETUP's verdict and the packet after it. */
static __always_inline int mt_read_status(struct __sk_buff *ctx, __u32 *status)
{
	return bpf_skb_load_bytes(ctx, 0, status, sizeof(*status));
}

static __always_inline int mt_read_tcp4(struct __sk_buff *ctx, struct mt_tcp4 *pkt)
{
	return bpf_skb_load_bytes(ctx, MT_STATUS_LEN, &pkt->eth, MT_FRAME_LEN(pkt));
}

static __always_inline int mt_read_udp4(struct __sk_buff *ctx, struct mt_udp4 *pkt)
{
	return bpf_skb_load_bytes(ctx, MT_STATUS_LEN, &pkt->eth, MT_FRAME_LEN(pkt));
}

/* A valid checksum sums (with itself included) to 0xffff. */
static __always_inline int mt_tcp4_checksums_ok(struct mt_tcp4 *pkt)
{
	return mt_ip_sum(&pkt->ip) == 0xffff && mt_l4_sum(&pkt->ip, &pkt->tcp, sizeof(pkt->tcp) + MT_PAYLOAD) == 0xffff;
}

static __always_inline int mt_udp4_checksums_ok(struct mt_udp4 *pkt)
{
	return mt_ip_sum(&pkt->ip) == 0xffff && mt_l4_sum(&pkt->ip, &pkt->udp, sizeof(pkt->udp) + MT_PAYLOAD) == 0xffff;
}

/* ---- IPv6: Ethernet + IPv6 (no extension headers) + TCP/UDP, 8-byte payload, correct checksums ------------- */

struct mt_tcp6 {
	__u8 align[2];
	struct ethhdr eth;
	struct ipv6hdr ip;
	struct tcphdr tcp;
	__u8 payload[MT_PAYLOAD];
};

struct mt_udp6 {
	__u8 align[2];
	struct ethhdr eth;
	struct ipv6hdr ip;
	struct udphdr udp;
	__u8 payload[MT_PAYLOAD];
};

struct mt_pseudo6 {
	struct in6_addr saddr;
	struct in6_addr daddr;
	__be32 len;
	__u8 zero[3];
	__u8 nexthdr;
};

/* Sets an address of the form prefix::host (prefix in the first 32 bits, host in the last 32), network order.
 * Word stores on purpose: clang 14's BPF backend lost the stores of a packet built from addresses copied out of
 * constant initializers (memcpy from .rodata). */
static __always_inline void mt_ip6(union v6addr *a, __u32 prefix, __u32 host)
{
	a->p[0] = bpf_htonl(prefix);
	a->p[1] = 0;
	a->p[2] = 0;
	a->p[3] = bpf_htonl(host);
}

/* One's-complement sum of the IPv6 pseudo header and the L4 segment (l4len a multiple of 4). */
static __always_inline __u16 mt_l4_sum6(struct ipv6hdr *ip, void *l4, __u32 l4len)
{
	struct mt_pseudo6 pseudo = {
		.saddr = ip->saddr,
		.daddr = ip->daddr,
		.len = bpf_htonl(l4len),
		.nexthdr = ip->nexthdr,
	};
	__s64 sum = bpf_csum_diff(0, 0, (__be32 *)&pseudo, sizeof(pseudo), 0);

	return mt_fold(bpf_csum_diff(0, 0, l4, l4len, (__u32)sum));
}

static __always_inline void mt_eth_ip6(struct ethhdr *eth, struct ipv6hdr *ip, __u8 nexthdr, __u16 l4len,
				       const union v6addr *saddr, const union v6addr *daddr)
{
	__u8 smac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
	__u8 dmac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };

	__builtin_memcpy(eth->h_source, smac, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, dmac, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IPV6);
	ip->version = 6;
	ip->priority = 0;
	ip->flow_lbl[0] = 0;
	ip->flow_lbl[1] = 0;
	ip->flow_lbl[2] = 0;
	ip->payload_len = bpf_htons(l4len);
	ip->nexthdr = nexthdr;
	ip->hop_limit = 64;
	__builtin_memcpy(&ip->saddr, saddr, 16);
	__builtin_memcpy(&ip->daddr, daddr, 16);
}

static __always_inline void mt_build_tcp6(struct mt_tcp6 *pkt, const union v6addr *saddr, const union v6addr *daddr,
					  __be16 sport, __be16 dport, __u8 syn, __u8 ack)
{
	__builtin_memset(pkt, 0, sizeof(*pkt));
	__builtin_memcpy(pkt->payload, "meshtest", MT_PAYLOAD);
	pkt->tcp.source = sport;
	pkt->tcp.dest = dport;
	pkt->tcp.seq = bpf_htonl(1000);
	pkt->tcp.ack_seq = ack ? bpf_htonl(2000) : 0;
	pkt->tcp.doff = 5;
	pkt->tcp.syn = syn;
	pkt->tcp.ack = ack;
	pkt->tcp.window = bpf_htons(65535);
	mt_eth_ip6(&pkt->eth, &pkt->ip, IPPROTO_TCP, sizeof(pkt->tcp) + MT_PAYLOAD, saddr, daddr);
	pkt->tcp.check = 0;
	pkt->tcp.check = ~mt_l4_sum6(&pkt->ip, &pkt->tcp, sizeof(pkt->tcp) + MT_PAYLOAD);
}

static __always_inline int mt_pktgen_tcp6(struct __sk_buff *ctx, const union v6addr *saddr, const union v6addr *daddr,
					  __be16 sport, __be16 dport, __u8 syn, __u8 ack)
{
	struct mt_tcp6 pkt;

	mt_build_tcp6(&pkt, saddr, daddr, sport, dport, syn, ack);
	return mt_emit(ctx, &pkt.eth, MT_FRAME_LEN(&pkt));
}

static __always_inline int mt_pktgen_udp6(struct __sk_buff *ctx, const union v6addr *saddr, const union v6addr *daddr,
					  __be16 sport, __be16 dport)
{
	struct mt_udp6 pkt;

	__builtin_memset(&pkt, 0, sizeof(pkt));
	__builtin_memcpy(pkt.payload, "meshtest", MT_PAYLOAD);
	pkt.udp.source = sport;
	pkt.udp.dest = dport;
	pkt.udp.len = bpf_htons(sizeof(pkt.udp) + MT_PAYLOAD);
	mt_eth_ip6(&pkt.eth, &pkt.ip, IPPROTO_UDP, sizeof(pkt.udp) + MT_PAYLOAD, saddr, daddr);
	pkt.udp.check = 0;
	pkt.udp.check = ~mt_l4_sum6(&pkt.ip, &pkt.udp, sizeof(pkt.udp) + MT_PAYLOAD);
	return mt_emit(ctx, &pkt.eth, MT_FRAME_LEN(&pkt));
}

static __always_inline int mt_read_tcp6(struct __sk_buff *ctx, struct mt_tcp6 *pkt)
{
	return bpf_skb_load_bytes(ctx, MT_STATUS_LEN, &pkt->eth, MT_FRAME_LEN(pkt));
}

static __always_inline int mt_read_udp6(struct __sk_buff *ctx, struct mt_udp6 *pkt)
{
	return bpf_skb_load_bytes(ctx, MT_STATUS_LEN, &pkt->eth, MT_FRAME_LEN(pkt));
}

static __always_inline int mt_ip6_equal(const void *a, const union v6addr *b)
{
	union v6addr x;

	__builtin_memcpy(&x, a, sizeof(x));
	return x.p[0] == b->p[0] && x.p[1] == b->p[1] && x.p[2] == b->p[2] && x.p[3] == b->p[3];
}

#endif /* MESH_TEST_PKTGEN_H */
