/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv6 service translation over cilium_lb6_services_v2 / cilium_lb6_backends_v3 / cilium_lb6_reverse_nat,
 * with the same lookup order, wildcard rule, random backend selection and per-connection stickiness (CT_SERVICE
 * in mesh_ct6) as lb4.h. The address rewrite keeps the L4 checksum valid (packet6.h rewrite6).
 */
#ifndef MESH_LB6_H
#define MESH_LB6_H

#include "../include/mesh_maps.h"
#include "conntrack.h"
#include "drop.h"
#include "lb4.h"
#include "packet6.h"

static __always_inline struct lb_service_value *lb6_lookup_service(struct lb6_key *key, const struct pkt6 *p,
								    int *wildcard)
{
	struct lb_service_value *svc;

	__builtin_memcpy(&key->address, &p->daddr, sizeof(key->address));
	key->dport = p->dport;
	key->backend_slot = 0;
	key->proto = p->proto;
	key->scope = LB_SCOPE_EXTERNAL;
	key->pad[0] = 0;
	key->pad[1] = 0;
	svc = bpf_map_lookup_elem(&cilium_lb6_services_v2, key);
	if (svc) {
		if (svc->flags2 & SVC_FLAG2_TWO_SCOPES) {
			struct lb_service_value *internal;

			key->scope = LB_SCOPE_INTERNAL;
			internal = bpf_map_lookup_elem(&cilium_lb6_services_v2, key);
			if (internal)
				return internal;
			key->scope = LB_SCOPE_EXTERNAL;
		}
		return svc;
	}

	{
		struct lb6_key wild = {};

		__builtin_memcpy(&wild.address, &p->daddr, sizeof(wild.address));

		*wildcard = bpf_map_lookup_elem(&cilium_lb6_services_v2, &wild) != 0;
	}
	return 0;
}

static __always_inline struct lb6_backend *lb6_active_backend(__u32 backend_id)
{
	struct lb6_backend *backend = bpf_map_lookup_elem(&cilium_lb6_backends_v3, &backend_id);

	if (backend && backend->flags == BE_STATE_ACTIVE)
		return backend;
	return 0;
}

/*
 * Translates a packet to a service VIP into one to a backend. Returns LB_NOT_SERVICE, LB_TRANSLATED (with
 * *rev_nat_index set), or a negative DROP_* reason.
 */
static __always_inline int lb6_translate(struct __sk_buff *skb, struct pkt6 *p, __be16 *rev_nat_index)
{
	struct lb6_key key;
	struct lb_service_value *svc, *slot;
	struct lb6_backend *backend = 0;
	struct ct6_key ct_key;
	struct ct_entry *ct;
	__u32 backend_id = 0;
	int wildcard = 0;

	if (!p->has_ports)
		return LB_NOT_SERVICE;
	svc = lb6_lookup_service(&key, p, &wildcard);
	if (!svc)
		return wildcard ? -DROP_UNKNOWN_PORT : LB_NOT_SERVICE;
	if (svc->count == 0)
		return -DROP_NO_BACKEND;
	*rev_nat_index = svc->rev_nat_index;

	ct6_key_forward(&ct_key, p, CT_SERVICE);
	ct = ct6_lookup(&ct_key);
	if (ct) {
		backend_id = ct->backend_id;
		backend = lb6_active_backend(backend_id);
	}
	if (!backend) {
		key.backend_slot = (bpf_get_prandom_u32() % svc->count) + 1;
		slot = bpf_map_lookup_elem(&cilium_lb6_services_v2, &key);
		if (!slot)
			return -DROP_NO_BACKEND;
		backend_id = slot->backend_id;
		backend = lb6_active_backend(backend_id);
		if (!backend)
			return -DROP_NO_BACKEND;
		ct6_create(&ct_key, backend_id, *rev_nat_index);
	}

	if (rewrite6(skb, p, 1, &backend->address, backend->port) < 0)
		return -DROP_REWRITE;
	return LB_TRANSLATED;
}

/* Restores the service VIP:port as the source of a reply from a backend. */
static __always_inline int lb6_reverse_translate(struct __sk_buff *skb, struct pkt6 *p, __be16 rev_nat_index)
{
	struct lb6_reverse_nat *nat = bpf_map_lookup_elem(&cilium_lb6_reverse_nat, &rev_nat_index);
	union v6addr vip;

	if (!nat)
		return 0;
	__builtin_memcpy(&vip, nat, sizeof(vip));   /* the address is at offset 0 of the packed value */
	if (rewrite6(skb, p, 0, &vip, nat->port) < 0)
		return -DROP_REWRITE;
	return 0;
}

#endif /* MESH_LB6_H */
