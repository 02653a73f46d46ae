/* SPDX-License-Identifier: GPL-2.0 */
/* Why a packet was dropped: kept in skb->cb[0] for whoever runs the program next (tests read it) and
 * counted per reason in mesh_drops. */
#ifndef MESH_DROP_H
#define MESH_DROP_H

#include "../include/mesh_bpf.h"

#define DROP_MALFORMED 1      /* truncated or inconsistent Ethernet/IP/L4 header */
#define DROP_FRAGMENT 2       /* IPv4 fragment or IPv6 fragment header: no L4 header to translate or enforce on */
#define DROP_UNKNOWN_PORT 3   /* known VIP, unknown port: the service's wildcard entry */
#define DROP_NO_BACKEND 4     /* service without (reachable) backends */
#define DROP_POLICY 5         /* no policy entry allows it */
#define DROP_POLICY_DENY 6    /* a deny entry matched */
#define DROP_POLICY_AUTH 7    /* the entry asks for authentication, which Mesh does not do */
#define DROP_REWRITE 8        /* a checksum or store helper failed */
#define DROP_IPV6_EXTHDR 9    /* IPv6 with an extension header: not walked, so neither translated nor judged */
#define DROP_REASON_MAX 16

#define MESH_CB_DROP_REASON 0

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, DROP_REASON_MAX);
} mesh_drops SEC(".maps");

static __always_inline int mesh_drop(struct __sk_buff *skb, __u32 reason)
{
	__u64 *count;

	skb->cb[MESH_CB_DROP_REASON] = reason;
	count = bpf_map_lookup_elem(&mesh_drops, &reason);
	if (count)
		*count += 1;
	return TC_ACT_SHOT;
}

#endif /* MESH_DROP_H */
