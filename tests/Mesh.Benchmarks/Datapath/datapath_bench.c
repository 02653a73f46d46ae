/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timing harness for mesh_lxc.c under BPF_PROG_RUN with repeat. The kernel runs a program `repeat` times on
 * the same skb, so after the first run a DNAT'ed packet would no longer be addressed to the VIP and every
 * later run would time a different path. Each harness program therefore first restores the frame the bench
 * wrote into mesh_bench_frame (and, for the "_new" variants, stamps a fresh TCP source port so every run is a
 * new connection), then runs the endpoint handler. bench_restore / bench_restore_new time that preparation
 * alone; the bench subtracts it. Compiled by the bench with clang, against bpf/programs.
 */
#define MESH_NO_ENTRY_POINTS
#include "mesh_lxc.c"

#define BENCH_FRAME_LEN 60 /* TestPackets.Tcp4Length */
#define BENCH_SPORT_OFF (14 + 20)

struct bench_frame {
	__u8 bytes[BENCH_FRAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bench_frame);
} mesh_bench_frame SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} mesh_bench_counter SEC(".maps");

static __always_inline int bench_restore_frame(struct __sk_buff *skb, int new_connection)
{
	__u32 zero = 0;
	struct bench_frame *frame = bpf_map_lookup_elem(&mesh_bench_frame, &zero);
	__u32 *counter;
	__be16 sport;

	if (!frame)
		return -1;
	if (bpf_skb_store_bytes(skb, 0, frame->bytes, BENCH_FRAME_LEN, 0) < 0)
		return -1;
	if (!new_connection)
		return 0;
	counter = bpf_map_lookup_elem(&mesh_bench_counter, &zero);
	if (!counter)
		return -1;
	*counter += 1;
	/* Ports 1024..65535: one new tuple per run for up to 64,512 runs. */
	sport = bpf_htons((__u16)(1024 + *counter % 64512));
	if (bpf_skb_store_bytes(skb, BENCH_SPORT_OFF, &sport, sizeof(sport), 0) < 0)
		return -1;
	return 0;
}

SEC("tc")
int bench_restore(struct __sk_buff *skb)
{
	return bench_restore_frame(skb, 0) < 0 ? TC_ACT_SHOT : TC_ACT_OK;
}

SEC("tc")
int bench_restore_new(struct __sk_buff *skb)
{
	return bench_restore_frame(skb, 1) < 0 ? TC_ACT_SHOT : TC_ACT_OK;
}

SEC("tc")
int bench_from_container(struct __sk_buff *skb)
{
	if (bench_restore_frame(skb, 0) < 0)
		return TC_ACT_SHOT;
	return mesh_handle_from_container(skb);
}

SEC("tc")
int bench_from_container_new(struct __sk_buff *skb)
{
	if (bench_restore_frame(skb, 1) < 0)
		return TC_ACT_SHOT;
	return mesh_handle_from_container(skb);
}

SEC("tc")
int bench_to_container(struct __sk_buff *skb)
{
	if (bench_restore_frame(skb, 0) < 0)
		return TC_ACT_SHOT;
	return mesh_handle_to_container(skb);
}

SEC("tc")
int bench_to_container_new(struct __sk_buff *skb)
{
	if (bench_restore_frame(skb, 1) < 0)
		return TC_ACT_SHOT;
	return mesh_handle_to_container(skb);
}
