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
 * cilium_policy_v2_<id> pin and shares every other map (LB, ipcache, mesh_ct4) by pin name.
 * Bad input follows the rule in lib/packet.h. IPv6 is not translated or enforced yet and passes.
 */
#include "include/mesh_bpf.h"
#include "include/mesh_maps.h"
#include "lib/conntrack.h"
#include "lib/drop.h"
#include "lib/lb4.h"
#include "lib/packet.h"
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

static __always_inline int mesh_handle_from_container(struct __sk_buff *skb)
{
	struct pkt4 p = {};
	struct ct4_key key;
	__be16 rev_nat_index = 0;
	int verdict, ret;

	verdict = mesh_parse_or_verdict(skb, &p);
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
