/* SPDX-License-Identifier: GPL-2.0 */
/* Checks of the test framework itself: these tests are meant to FAIL, and the C# side asserts that the runner
 * reports exactly these failures. They are not part of the datapath suite. */
#include "../lib/mesh_test.h"
#include "../lib/pktgen.h"

PKTGEN("tc", "selftest_failing_block")
int selftest_failing_block_pktgen(struct __sk_buff *ctx)
{
	return mt_pktgen_tcp4(ctx, MT_IP4(10, 0, 0, 1), MT_IP4(10, 0, 0, 2), bpf_htons(1), bpf_htons(2), 1, 0);
}

CHECK("tc", "selftest_failing_block")
int selftest_failing_block_check(struct __sk_buff *ctx)
{
	__u32 status = 1;

	test_init();
	assert(mt_read_status(ctx, &status) == 0);
	TEST("passing block", { ASSERT_EQ(ctx->len, MT_STATUS_LEN + sizeof(struct mt_tcp4) - 2); });
	TEST("failing block", { ASSERT_EQ(status, 7); });
	test_finish();
}

CHECK("tc", "selftest_top_level_assert")
int selftest_top_level_check(struct __sk_buff *ctx)
{
	test_init();
	assert(ctx->len == 0);
	test_log("not reached");
	test_finish();
}

char _license[] SEC("license") = "GPL";
