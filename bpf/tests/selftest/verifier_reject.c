/* SPDX-License-Identifier: GPL-2.0 */
/* A program the verifier must reject (it reads the Ethernet header without checking data_end): the loader's
 * error has to carry the verifier's reason. */
#include "../../programs/include/mesh_bpf.h"

SEC("tc")
int reads_without_bounds_check(struct __sk_buff *skb)
{
	struct ethhdr *eth = (void *)(long)skb->data;

	return eth->h_proto == bpf_htons(ETH_P_IP) ? TC_ACT_OK : TC_ACT_SHOT;
}

char _license[] SEC("license") = "GPL";
