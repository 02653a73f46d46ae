/* SPDX-License-Identifier: GPL-2.0 */
/* SETUP helpers that program the datapath's maps from BPF, in the agent's encoding (needs the test build's
 * MESH_MAP_RDONLY_PROG=0). rev_nat_index is passed in network order, as the agent stores it. */
#ifndef MESH_TEST_MAPS_H
#define MESH_TEST_MAPS_H

#include "../../programs/include/mesh_maps.h"

static __always_inline void mt_lb4_service(__be32 vip, __be16 port, __u8 proto, __u16 count, __be16 rev_nat,
					   __u8 flags2)
{
	struct lb4_key key = { .address = vip, .dport = port, .proto = proto, .scope = LB_SCOPE_EXTERNAL };
	struct lb_service_value value = { .count = count, .rev_nat_index = rev_nat, .flags2 = flags2 };

	bpf_map_update_elem(&cilium_lb4_services_v2, &key, &value, BPF_ANY);
}

static __always_inline void mt_lb4_slot(__be32 vip, __be16 port, __u8 proto, __u16 slot, __u32 backend_id,
					__be16 rev_nat)
{
	struct lb4_key key = { .address = vip, .dport = port, .backend_slot = slot, .proto = proto };
	struct lb_service_value value = { .backend_id = backend_id, .rev_nat_index = rev_nat };

	bpf_map_update_elem(&cilium_lb4_services_v2, &key, &value, BPF_ANY);
}

/* The wildcard entry {VIP, 0, 0, 0}: other ports of this VIP are dropped. */
static __always_inline void mt_lb4_wildcard(__be32 vip, __be16 rev_nat)
{
	struct lb4_key key = { .address = vip };
	struct lb_service_value value = { .rev_nat_index = rev_nat };

	bpf_map_update_elem(&cilium_lb4_services_v2, &key, &value, BPF_ANY);
}

static __always_inline void mt_lb4_backend(__u32 id, __be32 addr, __be16 port, __u8 proto, __u16 cluster_id)
{
	struct lb4_backend value = { .address = addr, .port = port, .proto = proto, .cluster_id = cluster_id };

	bpf_map_update_elem(&cilium_lb4_backends_v3, &id, &value, BPF_ANY);
}

static __always_inline void mt_lb4_rev_nat(__be16 index, __be32 vip, __be16 port)
{
	struct lb4_reverse_nat value = { .address = vip, .port = port };

	bpf_map_update_elem(&cilium_lb4_reverse_nat, &index, &value, BPF_ANY);
}

static __always_inline void mt_ipcache4(__be32 prefix, __u32 prefix_len, __u32 identity)
{
	struct ipcache_key key = {
		.lpm_prefixlen = IPCACHE_STATIC_PREFIX + prefix_len,
		.family = IPCACHE_FAMILY_IPV4,
	};
	struct remote_endpoint_info value = { .sec_identity = identity };

	key.ip4 = prefix;
	bpf_map_update_elem(&cilium_ipcache_v2, &key, &value, BPF_ANY);
}

#define MT_ALLOW 0
#define MT_DENY 1

/* An entry of the endpoint's policy map as spec/policy.md §3.7 lays it out: port_bits is the port prefix
 * (16 for one port, fewer for an aligned range); proto 0 means any protocol and any port. */
static __always_inline void mt_policy(__u32 identity, __u8 direction, __u8 proto, __u16 port, __u8 port_bits, int deny)
{
	__u32 prefix = POLICY_STATIC_PREFIX + (proto ? 8 : 0) + (proto && port ? port_bits : 0);
	struct policy_key key = {
		.lpm_prefixlen = prefix,
		.sec_label = identity,
		.egress = direction,
		.protocol = proto,
		.dport = bpf_htons(port),
	};
	struct policy_entry value = {
		.deny_prefix = (deny ? POLICY_ENTRY_DENY : 0) | ((prefix - POLICY_STATIC_PREFIX) << POLICY_ENTRY_PREFIX_SHIFT),
		.precedence = deny ? POLICY_MAX_PRECEDENCE : 0xFFFFFF01u,
	};

	bpf_map_update_elem(&cilium_policy_v2, &key, &value, BPF_ANY);
}

static __always_inline void mt_ct4(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport, __u8 proto, __u8 scope,
				   __u32 backend_id, __be16 rev_nat)
{
	struct ct4_key key = {
		.saddr = saddr, .daddr = daddr, .sport = sport, .dport = dport, .proto = proto, .scope = scope,
	};
	struct ct_entry value = { .backend_id = backend_id, .rev_nat_index = rev_nat };

	bpf_map_update_elem(&mesh_ct4, &key, &value, BPF_ANY);
}

static __always_inline struct ct_entry *mt_ct4_get(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport, __u8 proto,
						   __u8 scope)
{
	struct ct4_key key = {
		.saddr = saddr, .daddr = daddr, .sport = sport, .dport = dport, .proto = proto, .scope = scope,
	};

	return bpf_map_lookup_elem(&mesh_ct4, &key);
}

/* ---- IPv6 ---------------------------------------------------------------------------------------------- */

static __always_inline void mt_lb6_service(const union v6addr *vip, __be16 port, __u8 proto, __u16 count,
					   __be16 rev_nat, __u8 flags2)
{
	struct lb6_key key = { .dport = port, .proto = proto, .scope = LB_SCOPE_EXTERNAL };
	struct lb_service_value value = { .count = count, .rev_nat_index = rev_nat, .flags2 = flags2 };

	__builtin_memcpy(&key.address, vip, sizeof(key.address));
	bpf_map_update_elem(&cilium_lb6_services_v2, &key, &value, BPF_ANY);
}

static __always_inline void mt_lb6_slot(const union v6addr *vip, __be16 port, __u8 proto, __u16 slot,
					__u32 backend_id, __be16 rev_nat)
{
	struct lb6_key key = { .dport = port, .backend_slot = slot, .proto = proto };
	struct lb_service_value value = { .backend_id = backend_id, .rev_nat_index = rev_nat };

	__builtin_memcpy(&key.address, vip, sizeof(key.address));
	bpf_map_update_elem(&cilium_lb6_services_v2, &key, &value, BPF_ANY);
}

static __always_inline void mt_lb6_wildcard(const union v6addr *vip, __be16 rev_nat)
{
	struct lb6_key key = {};
	struct lb_service_value value = { .rev_nat_index = rev_nat };

	__builtin_memcpy(&key.address, vip, sizeof(key.address));
	bpf_map_update_elem(&cilium_lb6_services_v2, &key, &value, BPF_ANY);
}

static __always_inline void mt_lb6_backend(__u32 id, const union v6addr *addr, __be16 port, __u8 proto)
{
	struct lb6_backend value = { .port = port, .proto = proto };

	__builtin_memcpy(&value.address, addr, sizeof(value.address));
	bpf_map_update_elem(&cilium_lb6_backends_v3, &id, &value, BPF_ANY);
}

static __always_inline void mt_lb6_rev_nat(__be16 index, const union v6addr *vip, __be16 port)
{
	struct lb6_reverse_nat value = { .port = port };

	__builtin_memcpy(&value, vip, 16);
	bpf_map_update_elem(&cilium_lb6_reverse_nat, &index, &value, BPF_ANY);
}

static __always_inline void mt_ipcache6(const union v6addr *prefix, __u32 prefix_len, __u32 identity)
{
	struct ipcache_key key = {
		.lpm_prefixlen = IPCACHE_STATIC_PREFIX + prefix_len,
		.family = IPCACHE_FAMILY_IPV6,
	};
	struct remote_endpoint_info value = { .sec_identity = identity };

	__builtin_memcpy(&key.ip6, prefix, sizeof(key.ip6));
	bpf_map_update_elem(&cilium_ipcache_v2, &key, &value, BPF_ANY);
}

static __always_inline void mt_ct6(const union v6addr *saddr, const union v6addr *daddr, __be16 sport, __be16 dport,
				   __u8 proto, __u8 scope, __u32 backend_id, __be16 rev_nat)
{
	struct ct6_key key = { .sport = sport, .dport = dport, .proto = proto, .scope = scope };
	struct ct_entry value = { .backend_id = backend_id, .rev_nat_index = rev_nat };

	__builtin_memcpy(&key.saddr, saddr, sizeof(key.saddr));
	__builtin_memcpy(&key.daddr, daddr, sizeof(key.daddr));
	bpf_map_update_elem(&mesh_ct6, &key, &value, BPF_ANY);
}

static __always_inline struct ct_entry *mt_ct6_get(const union v6addr *saddr, const union v6addr *daddr, __be16 sport,
						   __be16 dport, __u8 proto, __u8 scope)
{
	struct ct6_key key = { .sport = sport, .dport = dport, .proto = proto, .scope = scope };

	__builtin_memcpy(&key.saddr, saddr, sizeof(key.saddr));
	__builtin_memcpy(&key.daddr, daddr, sizeof(key.daddr));
	return bpf_map_lookup_elem(&mesh_ct6, &key);
}

#endif /* MESH_TEST_MAPS_H */
