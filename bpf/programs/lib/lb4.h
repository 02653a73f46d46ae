/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Service translation over cilium_lb4_services_v2 / cilium_lb4_backends_v3 / cilium_lb4_reverse_nat.
 *
 * Lookup: {VIP, dport, slot 0, proto, external scope}; a two-scope service is looked up again with the
 * internal scope (traffic from an endpoint is east-west). On a miss, the wildcard entry {VIP, 0, 0, 0}
 * marks a known VIP whose other ports are dropped. Selection is Cilium's random algorithm: slot =
 * prandom % count + 1, and the slot's backend_id keys the backends map. The chosen backend is remembered
 * per connection (CT_SERVICE on the VIP tuple) and kept while it exists and is active.
 */
#ifndef MESH_LB4_H
#define MESH_LB4_H

#include "../include/mesh_maps.h"
#include "conntrack.h"
#include "drop.h"
#include "packet.h"

#define LB_NOT_SERVICE 0
#define LB_TRANSLATED 1

static __always_inline struct lb_service_value *lb4_lookup_service(struct lb4_key *key, const struct pkt4 *p,
								    int *wildcard)
{
	struct lb_service_value *svc;

	key->address = p->daddr;
	key->dport = p->dport;
	key->backend_slot = 0;
	key->proto = p->proto;
	key->scope = LB_SCOPE_EXTERNAL;
	key->pad[0] = 0;
	key->pad[1] = 0;
	svc = bpf_map_lookup_elem(&cilium_lb4_services_v2, key);
	if (svc) {
		if (svc->flags2 & SVC_FLAG2_TWO_SCOPES) {
			struct lb_service_value *internal;

			key->scope = LB_SCOPE_INTERNAL;
			internal = bpf_map_lookup_elem(&cilium_lb4_services_v2, key);
			if (internal)
				return internal;
			key->scope = LB_SCOPE_EXTERNAL;
		}
		return svc;
	}

	{
		struct lb4_key wild = { .address = p->daddr };

		*wildcard = bpf_map_lookup_elem(&cilium_lb4_services_v2, &wild) != 0;
	}
	return 0;
}

static __always_inline struct lb4_backend *lb4_active_backend(__u32 backend_id)
{
	struct lb4_backend *backend = bpf_map_lookup_elem(&cilium_lb4_backends_v3, &backend_id);

	if (backend && backend->flags == BE_STATE_ACTIVE)
		return backend;
	return 0;
}

/*
 * Translates a packet to a service VIP into one to a backend. Returns LB_NOT_SERVICE, LB_TRANSLATED (with
 * *rev_nat_index set), or a negative DROP_* reason.
 */
static __always_inline int lb4_translate(struct __sk_buff *skb, struct pkt4 *p, __be16 *rev_nat_index)
{
	struct lb4_key key;
	struct lb_service_value *svc, *slot;
	struct lb4_backend *backend = 0;
	struct ct4_key ct_key;
	struct ct_entry *ct;
	__u32 backend_id = 0;
	int wildcard = 0;

	if (!p->has_ports)
		return LB_NOT_SERVICE;
	svc = lb4_lookup_service(&key, p, &wildcard);
	if (!svc)
		return wildcard ? -DROP_UNKNOWN_PORT : LB_NOT_SERVICE;
	if (svc->count == 0)
		return -DROP_NO_BACKEND;
	*rev_nat_index = svc->rev_nat_index;

	ct4_key_forward(&ct_key, p, CT_SERVICE);
	ct = ct4_lookup(&ct_key);
	if (ct) {
		backend_id = ct->backend_id;
		backend = lb4_active_backend(backend_id);
	}
	if (!backend) {
		key.backend_slot = (bpf_get_prandom_u32() % svc->count) + 1;
		slot = bpf_map_lookup_elem(&cilium_lb4_services_v2, &key);
		if (!slot)
			return -DROP_NO_BACKEND;
		backend_id = slot->backend_id;
		backend = lb4_active_backend(backend_id);
		if (!backend)
			return -DROP_NO_BACKEND;
		ct4_create(&ct_key, backend_id, *rev_nat_index);
	}

	if (rewrite4(skb, p, 1, backend->address, backend->port) < 0)
		return -DROP_REWRITE;
	return LB_TRANSLATED;
}

/* Restores the service VIP:port as the source of a reply from a backend. */
static __always_inline int lb4_reverse_translate(struct __sk_buff *skb, struct pkt4 *p, __be16 rev_nat_index)
{
	struct lb4_reverse_nat *nat = bpf_map_lookup_elem(&cilium_lb4_reverse_nat, &rev_nat_index);

	if (!nat)
		return 0;
	if (rewrite4(skb, p, 0, nat->address, nat->port) < 0)
		return -DROP_REWRITE;
	return 0;
}

#endif /* MESH_LB4_H */
