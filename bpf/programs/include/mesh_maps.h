/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The maps the datapath reads, with the exact layouts the agent writes (bpf/Mesh.Bpf.Maps/Layouts and
 * ../shared/spec/bpf.md §C; the policy map per spec/policy.md §3.7). Names are the pin names, so a loader
 * that binds pinned maps by name reuses the maps the agent already programs.
 *
 * Byte order: addresses and ports are network order; backend_slot, backend_id, count, identities,
 * precedence and cluster_id are host order; rev_nat_index is network order (as the agent writes it),
 * and since the program only copies it between maps it never converts it.
 */
#ifndef MESH_MAPS_H
#define MESH_MAPS_H

#include "mesh_bpf.h"

/* Tests fill the agent-owned maps from BPF (SETUP programs), which BPF_F_RDONLY_PROG forbids. */
#ifndef MESH_MAP_RDONLY_PROG
#define MESH_MAP_RDONLY_PROG BPF_F_RDONLY_PROG
#endif

#define MESH_LB_MAX_ENTRIES 65536
#define MESH_IPCACHE_MAX_ENTRIES 512000
#define MESH_POLICY_MAX_ENTRIES 16384
#define MESH_CT_MAX_ENTRIES 262144

/* ---- cilium_lb4_services_v2 ------------------------------------------------------------------------ */

#define LB_SCOPE_EXTERNAL 0
#define LB_SCOPE_INTERNAL 1

/* flags2 (byte 9 of the service value) */
#define SVC_FLAG2_TWO_SCOPES 0x20

struct lb4_key {
	__be32 address;      /* VIP */
	__be16 dport;
	__u16 backend_slot;  /* 0 = service entry, 1..count = backend slots */
	__u8 proto;          /* 0 together with dport 0: the wildcard entry (drop unknown ports) */
	__u8 scope;
	__u8 pad[2];
};

struct lb_service_value {
	__u32 backend_id;    /* backend slots: key of the backends map */
	__u16 count;         /* service entry: number of backend slots */
	__be16 rev_nat_index;
	__u8 flags;
	__u8 flags2;
	__u16 qcount;
};

/* ---- cilium_lb4_backends_v3 ------------------------------------------------------------------------ */

#define BE_STATE_ACTIVE 0

struct lb4_backend {
	__be32 address;
	__be16 port;
	__u8 proto;
	__u8 flags;          /* backend state; only active backends take new connections */
	__u16 cluster_id;
	__u8 zone;
	__u8 pad;
};

/* ---- cilium_lb4_reverse_nat ------------------------------------------------------------------------ */

struct lb4_reverse_nat {
	__be32 address;
	__be16 port;
} __attribute__((packed));

/* ---- IPv6 counterparts ----------------------------------------------------------------------------- */

struct lb6_key {
	union v6addr address;
	__be16 dport;
	__u16 backend_slot;
	__u8 proto;
	__u8 scope;
	__u8 pad[2];
};

struct lb6_backend {
	union v6addr address;
	__be16 port;
	__u8 proto;
	__u8 flags;
	__u16 cluster_id;
	__u8 zone;
	__u8 pad;
};

struct lb6_reverse_nat {
	union v6addr address;
	__be16 port;
} __attribute__((packed));

/* ---- cilium_ipcache_v2 ----------------------------------------------------------------------------- */

#define IPCACHE_STATIC_PREFIX 32   /* cluster_id, pad, family: always matched exactly */
#define IPCACHE_FAMILY_IPV4 1
#define IPCACHE_FAMILY_IPV6 2

/* Reserved identities */
#define IDENTITY_WORLD 2

struct ipcache_key {
	__u32 lpm_prefixlen; /* 32 + CIDR length */
	__u16 cluster_id;
	__u8 pad1;
	__u8 family;
	union {
		__be32 ip4;
		union v6addr ip6;
	};
} __attribute__((packed));

struct remote_endpoint_info {
	__u32 sec_identity;
	__u8 tunnel_endpoint[16];
	__u16 pad;
	__u8 key;
	__u8 flags;
};

/* ---- cilium_policy_v2 (per endpoint; the loader binds the endpoint's own map) ----------------------- */

#define POLICY_INGRESS 0
#define POLICY_EGRESS 1
#define POLICY_FULL_PREFIX 64       /* sec_label + direction byte (40) + protocol (8) + port (16) */
#define POLICY_STATIC_PREFIX 40
#define POLICY_MAX_PRECEDENCE 0xFFFFFFFFu

/* byte 2 of the entry: bit0 deny, bits 1-2 reserved, bits 3-7 lpm_prefix_length */
#define POLICY_ENTRY_DENY 0x01
#define POLICY_ENTRY_PREFIX_SHIFT 3
/* byte 3 of the entry: bits 0-6 auth_type, bit7 has_explicit_auth_type */
#define POLICY_ENTRY_AUTH_MASK 0x7f
#define POLICY_ENTRY_EXPLICIT_AUTH 0x80

struct policy_key {
	__u32 lpm_prefixlen;
	__u32 sec_label;     /* remote identity; 0 = any (L4-only entries) */
	__u8 egress;         /* bit0: 0 ingress, 1 egress; bits 1-7 zero */
	__u8 protocol;
	__be16 dport;
};

struct policy_entry {
	__be16 proxy_port;
	__u8 deny_prefix;    /* POLICY_ENTRY_DENY | lpm_prefix_length << POLICY_ENTRY_PREFIX_SHIFT */
	__u8 auth;           /* auth_type | has_explicit_auth_type << 7 */
	__u32 precedence;
	__u32 cookie;
};

/* ---- mesh_ct4 / mesh_ct6: Mesh's own connection tracking ---------------------------------------------------- */

/* Scopes: one tuple is tracked separately where it was decided. */
#define CT_EGRESS 0   /* at the source endpoint, post-translation tuple: allowed by egress policy */
#define CT_INGRESS 1  /* at the destination endpoint: allowed by ingress policy */
#define CT_SERVICE 2  /* at the source endpoint, pre-translation tuple (VIP): the chosen backend */

struct ct4_key {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 scope;
	__u8 pad[2];
};

/* mesh_ct6: the same scopes and entries as mesh_ct4, for IPv6 tuples. */
struct ct6_key {
	union v6addr saddr;
	union v6addr daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 scope;
	__u8 pad[2];
};

struct ct_entry {
	__u64 last_seen_ns;  /* refreshed per packet; entries leave by LRU eviction */
	__u32 backend_id;    /* CT_SERVICE: the backend this connection sticks to */
	__be16 rev_nat_index;/* CT_EGRESS / CT_SERVICE: restore the VIP on replies (0 = not a service) */
	__u8 pad[2];
};

_Static_assert(sizeof(struct lb4_key) == 12, "lb4 service key is 12 bytes");
_Static_assert(sizeof(struct lb_service_value) == 12, "service value is 12 bytes");
_Static_assert(sizeof(struct lb4_backend) == 12, "lb4 backend is 12 bytes");
_Static_assert(sizeof(struct lb4_reverse_nat) == 6, "lb4 reverse nat is 6 bytes");
_Static_assert(sizeof(struct lb6_key) == 24, "lb6 service key is 24 bytes");
_Static_assert(sizeof(struct lb6_backend) == 24, "lb6 backend is 24 bytes");
_Static_assert(sizeof(struct lb6_reverse_nat) == 18, "lb6 reverse nat is 18 bytes");
_Static_assert(sizeof(struct ipcache_key) == 24, "ipcache key is 24 bytes");
_Static_assert(sizeof(struct remote_endpoint_info) == 24, "ipcache value is 24 bytes");
_Static_assert(sizeof(struct policy_key) == 12, "policy key is 12 bytes");
_Static_assert(sizeof(struct policy_entry) == 12, "policy entry is 12 bytes");
_Static_assert(sizeof(struct ct4_key) == 16, "ct4 key is 16 bytes");
_Static_assert(sizeof(struct ct_entry) == 16, "ct entry is 16 bytes");
_Static_assert(sizeof(struct ct6_key) == 40, "ct6 key is 40 bytes");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct lb4_key);
	__type(value, struct lb_service_value);
	__uint(max_entries, MESH_LB_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC | MESH_MAP_RDONLY_PROG);
} cilium_lb4_services_v2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct lb4_backend);
	__uint(max_entries, MESH_LB_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} cilium_lb4_backends_v3 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __be16);
	__type(value, struct lb4_reverse_nat);
	__uint(max_entries, MESH_LB_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} cilium_lb4_reverse_nat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct lb6_key);
	__type(value, struct lb_service_value);
	__uint(max_entries, MESH_LB_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC | MESH_MAP_RDONLY_PROG);
} cilium_lb6_services_v2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct lb6_backend);
	__uint(max_entries, MESH_LB_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} cilium_lb6_backends_v3 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __be16);
	__type(value, struct lb6_reverse_nat);
	__uint(max_entries, MESH_LB_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} cilium_lb6_reverse_nat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct ipcache_key);
	__type(value, struct remote_endpoint_info);
	__uint(max_entries, MESH_IPCACHE_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC | MESH_MAP_RDONLY_PROG);
} cilium_ipcache_v2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct policy_key);
	__type(value, struct policy_entry);
	__uint(max_entries, MESH_POLICY_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC | MESH_MAP_RDONLY_PROG);
} cilium_policy_v2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct ct4_key);
	__type(value, struct ct_entry);
	__uint(max_entries, MESH_CT_MAX_ENTRIES);
} mesh_ct4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct ct6_key);
	__type(value, struct ct_entry);
	__uint(max_entries, MESH_CT_MAX_ENTRIES);
} mesh_ct6 SEC(".maps");

#endif /* MESH_MAPS_H */
