/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv4 parsing and header rewrites.
 *
 * The rule for bad input (documented in bpf/programs/README.md): a frame too short for an Ethernet header, an IPv4
 * packet whose header is truncated or inconsistent (version, IHL, total length beyond the frame, TCP data
 * offset) or whose L4 header is cut short is DROPPED (DROP_MALFORMED): it can be neither translated nor
 * judged by policy, and passing it would let it bypass both. IPv4 fragments are dropped (DROP_FRAGMENT).
 * parse4 reports frames that are not IPv4 as PARSE_NOT_IPV4; IPv6 then goes to parse6 (packet6.h), anything
 * else (ARP, ...) passes unchanged. Every read is bounds-checked against
 * data_end after pulling the headers into the linear area, which the verifier proves.
 */
#ifndef MESH_PACKET_H
#define MESH_PACKET_H

#include "../include/mesh_bpf.h"

#define PARSE_OK 0
#define PARSE_NOT_IPV4 1
#define PARSE_MALFORMED 2
#define PARSE_FRAGMENT 3

#define IP_MF 0x2000
#define IP_OFFSET 0x1fff
#define MESH_ICMP_HLEN 8

#define TCP_CSUM_OFF 16
#define UDP_CSUM_OFF 6

struct pkt4 {
	__u32 l3off;
	__u32 l4off;
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 has_ports;      /* TCP or UDP: ports are parsed and rewritable */
};

/* Makes the first len bytes linear; false when the packet is shorter. */
static __always_inline int pkt_ensure(struct __sk_buff *skb, __u32 len)
{
	if ((void *)(long)skb->data + len <= (void *)(long)skb->data_end)
		return 1;
	if (len > skb->len || bpf_skb_pull_data(skb, len) < 0)
		return 0;
	return (void *)(long)skb->data + len <= (void *)(long)skb->data_end;
}

static __always_inline int parse4(struct __sk_buff *skb, struct pkt4 *p)
{
	void *data, *data_end;
	struct ethhdr *eth;
	struct iphdr *ip;
	__u32 ihl, tot_len, l4len;

	if (!pkt_ensure(skb, ETH_HLEN))
		return PARSE_MALFORMED;
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return PARSE_MALFORMED;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return PARSE_NOT_IPV4;

	if (!pkt_ensure(skb, ETH_HLEN + sizeof(struct iphdr)))
		return PARSE_MALFORMED;
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	ip = data + ETH_HLEN;
	if ((void *)(ip + 1) > data_end)
		return PARSE_MALFORMED;
	ihl = ip->ihl * 4;
	tot_len = bpf_ntohs(ip->tot_len);
	if (ip->version != 4 || ihl < sizeof(struct iphdr) || tot_len < ihl || ETH_HLEN + tot_len > skb->len)
		return PARSE_MALFORMED;
	if (ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return PARSE_FRAGMENT;

	p->l3off = ETH_HLEN;
	p->l4off = ETH_HLEN + ihl;
	p->saddr = ip->saddr;
	p->daddr = ip->daddr;
	p->proto = ip->protocol;
	p->sport = 0;
	p->dport = 0;
	p->has_ports = 0;

	switch (p->proto) {
	case IPPROTO_TCP:
		l4len = sizeof(struct tcphdr);
		break;
	case IPPROTO_UDP:
		l4len = sizeof(struct udphdr);
		break;
	case IPPROTO_ICMP:
		l4len = MESH_ICMP_HLEN;
		break;
	default:
		return PARSE_OK;
	}
	if (tot_len < ihl + l4len || !pkt_ensure(skb, p->l4off + l4len))
		return PARSE_MALFORMED;
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	if (p->proto == IPPROTO_TCP) {
		struct tcphdr *tcp = data + (p->l4off & 0x7f);   /* l4off <= 14 + 60; the mask tells the verifier */

		if ((void *)(tcp + 1) > data_end)
			return PARSE_MALFORMED;
		if (tcp->doff < 5 || tcp->doff * 4 > tot_len - ihl)
			return PARSE_MALFORMED;
		p->sport = tcp->source;
		p->dport = tcp->dest;
		p->has_ports = 1;
	} else if (p->proto == IPPROTO_UDP) {
		struct udphdr *udp = data + (p->l4off & 0x7f);

		if ((void *)(udp + 1) > data_end)
			return PARSE_MALFORMED;
		if (bpf_ntohs(udp->len) < sizeof(struct udphdr) || bpf_ntohs(udp->len) > tot_len - ihl)
			return PARSE_MALFORMED;
		p->sport = udp->source;
		p->dport = udp->dest;
		p->has_ports = 1;
	}
	return PARSE_OK;
}

static __always_inline __u32 l4_csum_offset(const struct pkt4 *p)
{
	if (p->proto == IPPROTO_TCP)
		return p->l4off + TCP_CSUM_OFF;
	if (p->proto == IPPROTO_UDP)
		return p->l4off + UDP_CSUM_OFF;
	return 0;
}

/*
 * Rewrites an address (daddr when is_dst, else saddr) and, for TCP/UDP, the matching port, keeping the IPv4
 * header checksum and the L4 checksum (pseudo header + port) valid. A UDP checksum of 0 ("none") stays 0.
 * Returns 0 or a negative helper error.
 */
static __always_inline int rewrite4(struct __sk_buff *skb, struct pkt4 *p, int is_dst, __be32 addr, __be16 port)
{
	__u32 addr_off = p->l3off + (is_dst ? offsetof(struct iphdr, daddr) : offsetof(struct iphdr, saddr));
	__u32 port_off = p->l4off + (is_dst ? offsetof(struct tcphdr, dest) : offsetof(struct tcphdr, source));
	__be32 old_addr = is_dst ? p->daddr : p->saddr;
	__be16 old_port = is_dst ? p->dport : p->sport;
	__u32 csum_off = l4_csum_offset(p);
	__u64 mangled = p->proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
	int ret;

	if (old_addr != addr) {
		if (csum_off) {
			ret = bpf_l4_csum_replace(skb, csum_off, old_addr, addr, BPF_F_PSEUDO_HDR | mangled | sizeof(addr));
			if (ret < 0)
				return ret;
		}
		ret = bpf_l3_csum_replace(skb, p->l3off + offsetof(struct iphdr, check), old_addr, addr, sizeof(addr));
		if (ret < 0)
			return ret;
		ret = bpf_skb_store_bytes(skb, addr_off, &addr, sizeof(addr), 0);
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
		p->daddr = addr;
		if (p->has_ports && port)
			p->dport = port;
	} else {
		p->saddr = addr;
		if (p->has_ports && port)
			p->sport = port;
	}
	return 0;
}

#endif /* MESH_PACKET_H */
