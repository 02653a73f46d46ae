/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv6 parsing and header rewrites.
 *
 * The rule for bad input (bpf/programs/README.md): only the fixed 40-byte header is parsed, and the next header
 * must be the upper-layer protocol itself. An IPv6 packet whose header is truncated or inconsistent (version,
 * payload length beyond the frame) or whose TCP/UDP/ICMPv6 header is cut short (TCP data offset, UDP length) is
 * DROPPED (DROP_MALFORMED). A fragment header is dropped as DROP_FRAGMENT; any other extension header
 * (hop-by-hop, routing, destination options, AH, mobility, HIP, shim6) is dropped as DROP_IPV6_EXTHDR: the
 * program does not walk the chain, and passing such a packet would let it bypass translation and policy.
 * Any other next header (ESP, SCTP, "no next header", ...) is judged by policy on its protocol with port 0, as
 * IPv4 does for protocols without ports. The L4 header sits at a constant offset (14 + 40), which keeps every
 * access provably in bounds.
 */
#ifndef MESH_PACKET6_H
#define MESH_PACKET6_H

#include "../include/mesh_maps.h"
#include "packet.h"

#define PARSE_EXTHDR 4

#define MESH_IPV6_L4OFF (ETH_HLEN + sizeof(struct ipv6hdr))

#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6 58
#endif
#define MESH_NEXTHDR_HOP 0
#define MESH_NEXTHDR_ROUTING 43
#define MESH_NEXTHDR_FRAGMENT 44
#define MESH_NEXTHDR_AUTH 51
#define MESH_NEXTHDR_DEST 60
#define MESH_NEXTHDR_MOBILITY 135
#define MESH_NEXTHDR_HIP 139
#define MESH_NEXTHDR_SHIM6 140

/* ICMPv6 Neighbour Discovery: router solicitation .. redirect. */
#define MESH_ICMP6_ND_FIRST 133
#define MESH_ICMP6_ND_LAST 137

struct pkt6 {
	union v6addr saddr;
	union v6addr daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 has_ports;      /* TCP or UDP: ports are parsed and rewritable */
	__u8 icmp_type;      /* ICMPv6: the message type */
	__u8 pad;
};

static __always_inline int ipv6_is_exthdr(__u8 nexthdr)
{
	switch (nexthdr) {
	case MESH_NEXTHDR_HOP:
	case MESH_NEXTHDR_ROUTING:
	case MESH_NEXTHDR_AUTH:
	case MESH_NEXTHDR_DEST:
	case MESH_NEXTHDR_MOBILITY:
	case MESH_NEXTHDR_HIP:
	case MESH_NEXTHDR_SHIM6:
		return 1;
	default:
		return 0;
	}
}

/* Parses an IPv6 frame (the caller saw ETH_P_IPV6). Returns PARSE_OK, PARSE_MALFORMED, PARSE_FRAGMENT or
 * PARSE_EXTHDR. */
static __always_inline int parse6(struct __sk_buff *skb, struct pkt6 *p)
{
	void *data, *data_end;
	struct ipv6hdr *ip6;
	__u32 payload_len, l4len;

	if (!pkt_ensure(skb, MESH_IPV6_L4OFF))
		return PARSE_MALFORMED;
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	ip6 = data + ETH_HLEN;
	if ((void *)(ip6 + 1) > data_end)
		return PARSE_MALFORMED;
	payload_len = bpf_ntohs(ip6->payload_len);
	if (ip6->version != 6 || MESH_IPV6_L4OFF + payload_len > skb->len)
		return PARSE_MALFORMED;
	if (ip6->nexthdr == MESH_NEXTHDR_FRAGMENT)
		return PARSE_FRAGMENT;
	if (ipv6_is_exthdr(ip6->nexthdr))
		return PARSE_EXTHDR;

	__builtin_memcpy(&p->saddr, &ip6->saddr, sizeof(p->saddr));
	__builtin_memcpy(&p->daddr, &ip6->daddr, sizeof(p->daddr));
	p->proto = ip6->nexthdr;
	p->sport = 0;
	p->dport = 0;
	p->has_ports = 0;
	p->icmp_type = 0;

	switch (p->proto) {
	case IPPROTO_TCP:
		l4len = sizeof(struct tcphdr);
		break;
	case IPPROTO_UDP:
		l4len = sizeof(struct udphdr);
		break;
	case IPPROTO_ICMPV6:
		l4len = MESH_ICMP_HLEN;
		break;
	default:
		return PARSE_OK;
	}
	if (payload_len < l4len || !pkt_ensure(skb, MESH_IPV6_L4OFF + l4len))
		return PARSE_MALFORMED;
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	if (p->proto == IPPROTO_TCP) {
		struct tcphdr *tcp = data + MESH_IPV6_L4OFF;

		if ((void *)(tcp + 1) > data_end)
			return PARSE_MALFORMED;
		if (tcp->doff < 5 || tcp->doff * 4 > payload_len)
			return PARSE_MALFORMED;
		p->sport = tcp->source;
		p->dport = tcp->dest;
		p->has_ports = 1;
	} else if (p->proto == IPPROTO_UDP) {
		struct udphdr *udp = data + MESH_IPV6_L4OFF;

		if ((void *)(udp + 1) > data_end)
			return PARSE_MALFORMED;
		if (bpf_ntohs(udp->len) < sizeof(struct udphdr) || bpf_ntohs(udp->len) > payload_len)
			return PARSE_MALFORMED;
		p->sport = udp->source;
		p->dport = udp->dest;
		p->has_ports = 1;
	} else {
		__u8 *icmp = data + MESH_IPV6_L4OFF;

		if ((void *)(icmp + MESH_ICMP_HLEN) > data_end)
			return PARSE_MALFORMED;
		p->icmp_type = icmp[0];
	}
	return PARSE_OK;
}

static __always_inline int ipv6_addr_equal(const union v6addr *a, const union v6addr *b)
{
	return a->p[0] == b->p[0] && a->p[1] == b->p[1] && a->p[2] == b->p[2] && a->p[3] == b->p[3];
}

/*
 * Rewrites an address (daddr when is_dst, else saddr) and, for TCP/UDP, the matching port, keeping the L4
 * checksum valid: IPv6 has no header checksum, and the 128-bit address change enters the pseudo-header part
 * of the L4 checksum as one csum_diff. Returns 0 or a negative helper error.
 */
static __always_inline int rewrite6(struct __sk_buff *skb, struct pkt6 *p, int is_dst, const union v6addr *addr,
				    __be16 port)
{
	__u32 addr_off = ETH_HLEN + (is_dst ? offsetof(struct ipv6hdr, daddr) : offsetof(struct ipv6hdr, saddr));
	__u32 port_off = MESH_IPV6_L4OFF + (is_dst ? offsetof(struct tcphdr, dest) : offsetof(struct tcphdr, source));
	__be16 old_port = is_dst ? p->dport : p->sport;
	__u32 csum_off = 0;
	__u64 mangled = p->proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
	union v6addr old, new;
	__s64 diff;
	int ret;

	if (p->proto == IPPROTO_TCP)
		csum_off = MESH_IPV6_L4OFF + TCP_CSUM_OFF;
	else if (p->proto == IPPROTO_UDP)
		csum_off = MESH_IPV6_L4OFF + UDP_CSUM_OFF;
	else if (p->proto == IPPROTO_ICMPV6)
		csum_off = MESH_IPV6_L4OFF + 2;   /* ICMPv6 covers the pseudo header too */

	__builtin_memcpy(&old, is_dst ? &p->daddr : &p->saddr, sizeof(old));
	__builtin_memcpy(&new, addr, sizeof(new));
	if (!ipv6_addr_equal(&old, &new)) {
		if (csum_off) {
			diff = bpf_csum_diff(old.p, sizeof(old), new.p, sizeof(new), 0);
			if (diff < 0)
				return (int)diff;
			ret = bpf_l4_csum_replace(skb, csum_off, 0, (__u32)diff, BPF_F_PSEUDO_HDR | mangled);
			if (ret < 0)
				return ret;
		}
		ret = bpf_skb_store_bytes(skb, addr_off, &new, sizeof(new), 0);
		if (ret < 0)
			return ret;
	}
	if (p->has_ports && port && old_port != port) {
		ret = bpf_l4_csum_replace(skb, csum_off, old_port, port, mangled | sizeof(port));
		if (ret < 0)
			return ret;
		ret = bpf_skb_store_bytes(skb, port_off, &port, sizeof(port), 0);
		if (ret < 0)
			return ret;
	}
	if (is_dst) {
		__builtin_memcpy(&p->daddr, &new, sizeof(new));
		if (p->has_ports && port)
			p->dport = port;
	} else {
		__builtin_memcpy(&p->saddr, &new, sizeof(new));
		if (p->has_ports && port)
			p->sport = port;
	}
	return 0;
}

#endif /* MESH_PACKET6_H */
