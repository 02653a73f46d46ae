/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mesh endpoint datapath: service translation and policy for one endpoint, at the host side of its veth.
 *
 * Why TC and not cgroup socket hooks: translating per packet with a conntrack map works for every
 * socket and every packet (including the veth-pair pods of the real-packet test, which need no cgroup
 * per pod), keeps policy and translation in one place, and BPF_PROG_RUN can test it packet by packet.
 *
 *   mesh_from_container  tc ingress of the host-side veth (packets the endpoint sends):
 *                        reply of an accepted connection -> pass; VIP -> backend (DNAT); known
 *                        connection -> pass; else egress policy against the (translated) destination.
 *   mesh_to_container    tc egress of the host-side veth (packets delivered to the endpoint):
 *                        reply of a connection the endpoint opened -> pass, restoring the VIP as the
 *                        source (reverse NAT); known connection -> pass; else ingress policy against
 *                        the source.
 *
 * One object is loaded per endpoint; the loader binds cilium_policy_v2 to that endpoint's
 * cilium_policy_v2_<id> pin and shares every other map (LB, ipcache, mesh_ct4, mesh_ct6) by pin name.
 * IPv4 and IPv6 take the same steps, each with its own maps (lb4/lb6, mesh_ct4/mesh_ct6) and the same policy
 * decision. Bad input follows the rules in lib/packet.h and lib/packet6.h. ICMPv6 Neighbour Discovery (types
 * 133-137) passes without policy: without it no IPv6 address of the endpoint resolves. Frames that are neither
 * IPv4 nor IPv6 (ARP, ...) pass unchanged.
 */
#include "include/mesh_bpf.h"
#include "include/mesh_maps.h"
#include "lib/conntrack.h"
#include "lib/drop.h"
#include "lib/lb4.h"
#include "lib/lb6.h"
#include "lib/packet.h"
#include "lib/packet6.h"
#include "lib/policy.h"

static __always_inline int mesh_parse_or_verdict(struct __sk_buff *skb, struct pkt4 *p)
{
	switch (parse4(skb, p)) {
	case PARSE_OK:
		return -1;
	case PARSE_NOT_IPV4:
		return TC_ACT_OK;
	case PARSE_FRAGMENT:
		return mesh_drop(skb, DROP_FRAGMENT);
	default:
		return mesh_drop(skb, DROP_MALFORMED);
	}
}

/* Returns -1 to go on with an IPv6 packet, else the verdict. */
static __always_inline int mesh_parse6_or_verdict(struct __sk_buff *skb, struct pkt6 *p)
{
	switch (parse6(skb, p)) {
	case PARSE_OK:
		break;
	case PARSE_FRAGMENT:
		return mesh_drop(skb, DROP_FRAGMENT);
	case PARSE_EXTHDR:
		return mesh_drop(skb, DROP_IPV6_EXTHDR);
	default:
		return mesh_drop(skb, DROP_MALFORMED);
	}
	if (p->proto == IPPROTO_ICMPV6 && p->icmp_type >= MESH_ICMP6_ND_FIRST && p->icmp_type <= MESH_ICMP6_ND_LAST)
		return TC_ACT_OK;
	return -1;
}

static __always_inline int mesh_is_ipv6(struct __sk_buff *skb)
{
	__be16 proto = 0;

	if (bpf_skb_load_bytes(skb, offsetof(struct ethhdr, h_proto), &proto, sizeof(proto)) < 0)
		return 0;
	return proto == bpf_htons(ETH_P_IPV6);
}

static __always_inline int mesh_handle_from_container6(struct __sk_buff *skb)
{
	struct pkt6 p = {};
	struct ct6_key key;
	__be16 rev_nat_index = 0;
	int verdict, ret;

	verdict = mesh_parse6_or_verdict(skb, &p);
	if (verdict >= 0)
		return verdict;

	ct6_key_reply(&key, &p, CT_INGRESS);
	if (ct6_lookup(&key))
		return TC_ACT_OK;

	ret = lb6_translate(skb, &p, &rev_nat_index);
	if (ret < 0)
		return mesh_drop(skb, -ret);

	ct6_key_forward(&key, &p, CT_EGRESS);
	if (ct6_lookup(&key))
		return TC_ACT_OK;

	ret = policy_verdict(ipcache_identity6(&p.daddr), POLICY_EGRESS, p.proto, p.dport);
	if (ret != POLICY_ALLOW)
		return mesh_drop(skb, ret);
	ct6_create(&key, 0, rev_nat_index);
	return TC_ACT_OK;
}

static __always_inline int mesh_handle_to_container6(struct __sk_buff *skb)
{
	struct pkt6 p = {};
	struct ct6_key key;
	struct ct_entry *ct;
	int verdict, ret;

	verdict = mesh_parse6_or_verdict(skb, &p);
	if (verdict >= 0)
		return verdict;

	ct6_key_reply(&key, &p, CT_EGRESS);
	ct = ct6_lookup(&key);
	if (ct) {
		if (ct->rev_nat_index) {
			ret = lb6_reverse_translate(skb, &p, ct->rev_nat_index);
			if (ret < 0)
				return mesh_drop(skb, -ret);
		}
		return TC_ACT_OK;
	}

	ct6_key_forward(&key, &p, CT_INGRESS);
	if (ct6_lookup(&key))
		return TC_ACT_OK;

	ret = policy_verdict(ipcache_identity6(&p.saddr), POLICY_INGRESS, p.proto, p.dport);
	if (ret != POLICY_ALLOW)
		return mesh_drop(skb, ret);
	ct6_create(&key, 0, 0);
	return TC_ACT_OK;
}

static __always_inline int mesh_handle_from_container(struct __sk_buff *skb)
{
	struct pkt4 p = {};
	struct ct4_key key;
	__be16 rev_nat_index = 0;
	int verdict, ret;

	verdict = mesh_parse_or_verdict(skb, &p);
	if (verdict == TC_ACT_OK && mesh_is_ipv6(skb))
		return mesh_handle_from_container6(skb);
	if (verdict >= 0)
		return verdict;

	/* A reply of a connection this endpoint accepted. */
	ct4_key_reply(&key, &p, CT_INGRESS);
	if (ct4_lookup(&key))
		return TC_ACT_OK;

	ret = lb4_translate(skb, &p, &rev_nat_index);
	if (ret < 0)
		return mesh_drop(skb, -ret);

	ct4_key_forward(&key, &p, CT_EGRESS);
	if (ct4_lookup(&key))
		return TC_ACT_OK;

	ret = policy_verdict(ipcache_identity4(p.daddr), POLICY_EGRESS, p.proto, p.dport);
	if (ret != POLICY_ALLOW)
		return mesh_drop(skb, ret);
	ct4_create(&key, 0, rev_nat_index);
	return TC_ACT_OK;
}

static __always_inline int mesh_handle_to_container(struct __sk_buff *skb)
{
	struct pkt4 p = {};
	struct ct4_key key;
	struct ct_entry *ct;
	int verdict, ret;

	verdict = mesh_parse_or_verdict(skb, &p);
	if (verdict == TC_ACT_OK && mesh_is_ipv6(skb))
		return mesh_handle_to_container6(skb);
	if (verdict >= 0)
		return verdict;

	/* A reply of a connection this endpoint opened: restore the VIP it connected to. */
	ct4_key_reply(&key, &p, CT_EGRESS);
	ct = ct4_lookup(&key);
	if (ct) {
		if (ct->rev_nat_index) {
			ret = lb4_reverse_translate(skb, &p, ct->rev_nat_index);
			if (ret < 0)
				return mesh_drop(skb, -ret);
		}
		return TC_ACT_OK;
	}

	ct4_key_forward(&key, &p, CT_INGRESS);
	if (ct4_lookup(&key))
		return TC_ACT_OK;

	ret = policy_verdict(ipcache_identity4(p.saddr), POLICY_INGRESS, p.proto, p.dport);
	if (ret != POLICY_ALLOW)
		return mesh_drop(skb, ret);
	ct4_create(&key, 0, 0);
	return TC_ACT_OK;
}

#ifndef MESH_NO_ENTRY_POINTS
SEC("tc")
int mesh_from_container(struct __sk_buff *skb)
{
	return mesh_handle_from_container(skb);
}

SEC("tc")
int mesh_to_container(struct __sk_buff *skb)
{
	return mesh_handle_to_container(skb);
}
#endif

char _license[] SEC("license") = "GPL";
