/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection tracking for policy and reverse NAT. One LRU map, one entry per tuple and scope (see
 * mesh_maps.h), in mesh_ct4 for IPv4 and mesh_ct6 for IPv6: policy is decided once per connection, at its first packet, and every later packet of
 * either direction passes through its entry. Entries are refreshed on use and leave by LRU eviction.
 */
#ifndef MESH_CONNTRACK_H
#define MESH_CONNTRACK_H

#include "../include/mesh_maps.h"
#include "packet.h"
#include "packet6.h"

static __always_inline void ct4_key_forward(struct ct4_key *key, const struct pkt4 *p, __u8 scope)
{
	key->saddr = p->saddr;
	key->daddr = p->daddr;
	key->sport = p->sport;
	key->dport = p->dport;
	key->proto = p->proto;
	key->scope = scope;
	key->pad[0] = 0;
	key->pad[1] = 0;
}

/* The key of the connection this packet answers: the tuple as its first packet carried it. */
static __always_inline void ct4_key_reply(struct ct4_key *key, const struct pkt4 *p, __u8 scope)
{
	key->saddr = p->daddr;
	key->daddr = p->saddr;
	key->sport = p->dport;
	key->dport = p->sport;
	key->proto = p->proto;
	key->scope = scope;
	key->pad[0] = 0;
	key->pad[1] = 0;
}

static __always_inline struct ct_entry *ct4_lookup(struct ct4_key *key)
{
	struct ct_entry *entry = bpf_map_lookup_elem(&mesh_ct4, key);

	if (entry)
		entry->last_seen_ns = bpf_ktime_get_ns();
	return entry;
}

static __always_inline void ct4_create(struct ct4_key *key, __u32 backend_id, __be16 rev_nat_index)
{
	struct ct_entry entry = {
		.last_seen_ns = bpf_ktime_get_ns(),
		.backend_id = backend_id,
		.rev_nat_index = rev_nat_index,
	};

	bpf_map_update_elem(&mesh_ct4, key, &entry, BPF_ANY);
}

/* ---- IPv6: mesh_ct6, the same scopes and entries ------------------------------------------------------ */

static __always_inline void ct6_key_forward(struct ct6_key *key, const struct pkt6 *p, __u8 scope)
{
	__builtin_memcpy(&key->saddr, &p->saddr, sizeof(key->saddr));
	__builtin_memcpy(&key->daddr, &p->daddr, sizeof(key->daddr));
	key->sport = p->sport;
	key->dport = p->dport;
	key->proto = p->proto;
	key->scope = scope;
	key->pad[0] = 0;
	key->pad[1] = 0;
}

static __always_inline void ct6_key_reply(struct ct6_key *key, const struct pkt6 *p, __u8 scope)
{
	__builtin_memcpy(&key->saddr, &p->daddr, sizeof(key->saddr));
	__builtin_memcpy(&key->daddr, &p->saddr, sizeof(key->daddr));
	key->sport = p->dport;
	key->dport = p->sport;
	key->proto = p->proto;
	key->scope = scope;
	key->pad[0] = 0;
	key->pad[1] = 0;
}

static __always_inline struct ct_entry *ct6_lookup(struct ct6_key *key)
{
	struct ct_entry *entry = bpf_map_lookup_elem(&mesh_ct6, key);

	if (entry)
		entry->last_seen_ns = bpf_ktime_get_ns();
	return entry;
}

static __always_inline void ct6_create(struct ct6_key *key, __u32 backend_id, __be16 rev_nat_index)
{
	struct ct_entry entry = {
		.last_seen_ns = bpf_ktime_get_ns(),
		.backend_id = backend_id,
		.rev_nat_index = rev_nat_index,
	};

	bpf_map_update_elem(&mesh_ct6, key, &entry, BPF_ANY);
}

#endif /* MESH_CONNTRACK_H */
