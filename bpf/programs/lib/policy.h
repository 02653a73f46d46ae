/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policy verdict over the endpoint's cilium_policy_v2 LPM map, in the order of spec/policy.md §4:
 * 1. L3 lookup {64, peer identity, direction, proto, port}: a maximum-precedence deny ends it;
 * 2. L4-only lookup with identity 0;
 * 3. both found: higher precedence wins; equal precedence: the longer lpm_prefix_length, L3 on ties;
 * 4. none: DROP_POLICY; chosen deny: DROP_POLICY_DENY; an auth requirement: DROP_POLICY_AUTH.
 * The peer's identity comes from cilium_ipcache_v2 (longest prefix, cluster id 0; family 1 with 32 + 32 bits
 * for IPv4, family 2 with 32 + 128 bits for IPv6); an address the ipcache
 * does not know is the world (identity 2).
 */
#ifndef MESH_POLICY_H
#define MESH_POLICY_H

#include "../include/mesh_maps.h"
#include "drop.h"

#define POLICY_ALLOW 0

static __always_inline __u32 ipcache_identity4(__be32 addr)
{
	struct ipcache_key key = {
		.lpm_prefixlen = IPCACHE_STATIC_PREFIX + 32,
		.family = IPCACHE_FAMILY_IPV4,
	};
	struct remote_endpoint_info *info;

	key.ip4 = addr;
	info = bpf_map_lookup_elem(&cilium_ipcache_v2, &key);
	return info ? info->sec_identity : IDENTITY_WORLD;
}

static __always_inline __u32 ipcache_identity6(const union v6addr *addr)
{
	struct ipcache_key key = {
		.lpm_prefixlen = IPCACHE_STATIC_PREFIX + 128,
		.family = IPCACHE_FAMILY_IPV6,
	};
	struct remote_endpoint_info *info;

	__builtin_memcpy(&key.ip6, addr, sizeof(key.ip6));
	info = bpf_map_lookup_elem(&cilium_ipcache_v2, &key);
	return info ? info->sec_identity : IDENTITY_WORLD;
}

static __always_inline __u8 policy_prefix(const struct policy_entry *e)
{
	return e->deny_prefix >> POLICY_ENTRY_PREFIX_SHIFT;
}

/* Returns POLICY_ALLOW or a DROP_* reason. */
static __always_inline int policy_verdict(__u32 identity, __u8 direction, __u8 proto, __be16 dport)
{
	struct policy_key key = {
		.lpm_prefixlen = POLICY_FULL_PREFIX,
		.sec_label = identity,
		.egress = direction,
		.protocol = proto,
		.dport = dport,
	};
	struct policy_entry *l3, *l4, *pick;

	l3 = bpf_map_lookup_elem(&cilium_policy_v2, &key);
	if (l3 && l3->precedence == POLICY_MAX_PRECEDENCE)
		return DROP_POLICY_DENY;
	key.sec_label = 0;
	l4 = bpf_map_lookup_elem(&cilium_policy_v2, &key);

	pick = l3 ? l3 : l4;
	if (l3 && l4) {
		if (l3->precedence != l4->precedence)
			pick = l4->precedence > l3->precedence ? l4 : l3;
		else
			pick = policy_prefix(l4) > policy_prefix(l3) ? l4 : l3;
	}
	if (!pick)
		return DROP_POLICY;
	if (pick->deny_prefix & POLICY_ENTRY_DENY)
		return DROP_POLICY_DENY;
	if (pick->auth & POLICY_ENTRY_AUTH_MASK)
		return DROP_POLICY_AUTH;
	/* Without an explicit auth type the pick inherits one from the other entry of equal precedence. */
	if (!(pick->auth & POLICY_ENTRY_EXPLICIT_AUTH)) {
		struct policy_entry *other = pick == l3 ? l4 : l3;

		if (other && other->precedence == pick->precedence && (other->auth & POLICY_ENTRY_AUTH_MASK))
			return DROP_POLICY_AUTH;
	}
	return POLICY_ALLOW;
}

#endif /* MESH_POLICY_H */
