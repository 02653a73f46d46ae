/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mesh's BPF unit-test framework, in the PKTGEN / SETUP / CHECK style of Cilium's bpf/tests.
 *
 * A test <name> is up to three sched_cls programs in sections "tc/test/<name>/{pktgen,setup,check}":
 *   PKTGEN builds the packet; SETUP fills maps and runs the program under test, its return value is the
 *   verdict; CHECK receives the packet SETUP left, prefixed with that verdict as a u32, and asserts.
 * The runner (tests/Mesh.Bpf.Programs.Tests) loads the object afresh for every test, runs the three
 * programs through BPF_PROG_RUN carrying packet and __sk_buff forward, and reports each test on its own.
 *
 * CHECK writes its results into suite_result_map[0] in Cilium's protobuf shape:
 *   SuiteResult { repeated TestResult results = 1; repeated Log suite_logs = 2; }
 *   TestResult  { string name = 1; Status status = 2; repeated Log test_logs = 3; }
 *   Log         { string fmt = 1; repeated fixed64 args = 2; }
 * Lengths are written as two-byte varints (a valid, non-minimal encoding) so they can be patched in place.
 * The CHECK program returns the suite status.
 *
 *   CHECK("tc", "lb4_vip")
 *   int lb4_vip_check(struct __sk_buff *ctx)
 *   {
 *           test_init();
 *           TEST("dnat", { ASSERT_EQ(ip.daddr, BACKEND_IP); });
 *           test_finish();
 *   }
 * assert()/ASSERT_EQ() stop the enclosing TEST (or, outside one, the whole check). Do not use them inside
 * loops of your own: they leave the innermost loop.
 */
#ifndef MESH_TEST_H
#define MESH_TEST_H

#include "../../programs/include/mesh_bpf.h"

#define TEST_ERROR 100
#define TEST_PASS 101
#define TEST_FAIL 102
#define TEST_SKIP 103

#define PKTGEN(progtype, name) SEC(progtype "/test/" name "/pktgen")
#define SETUP(progtype, name) SEC(progtype "/test/" name "/setup")
#define CHECK(progtype, name) SEC(progtype "/test/" name "/check")

#define MESH_TEST_RESULT_SIZE 8192   /* power of two: offsets are masked into range */
#define MESH_TEST_MAX_STRING 512

struct mesh_test_result {
	__u8 buf[MESH_TEST_RESULT_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct mesh_test_result);
	__uint(max_entries, 1);
} suite_result_map SEC(".maps");

struct mt_state {
	struct mesh_test_result *res;
	__u32 off;
	__u32 test_start;    /* offset of the open TestResult's length */
	__u32 in_test;
	int suite_status;
	int test_status;
};

static __always_inline void mt_byte(struct mt_state *s, __u8 b)
{
	__u32 off = s->off;

	if (off < MESH_TEST_RESULT_SIZE)
		s->res->buf[off & (MESH_TEST_RESULT_SIZE - 1)] = b;
	s->off = off + 1;
}

/* Opens a length-delimited field; returns where its two length bytes go. */
static __always_inline __u32 mt_open(struct mt_state *s, __u8 tag)
{
	__u32 at;

	mt_byte(s, tag);
	at = s->off;
	mt_byte(s, 0);
	mt_byte(s, 0);
	return at;
}

static __always_inline void mt_close(struct mt_state *s, __u32 at)
{
	__u32 len = s->off - at - 2;

	if (at + 1 < MESH_TEST_RESULT_SIZE) {
		s->res->buf[at & (MESH_TEST_RESULT_SIZE - 1)] = 0x80 | (len & 0x7f);
		s->res->buf[(at + 1) & (MESH_TEST_RESULT_SIZE - 1)] = (len >> 7) & 0x7f;
	}
}

static __always_inline void mt_string(struct mt_state *s, __u8 tag, const char *str, __u32 len)
{
	__u32 at = mt_open(s, tag);
	__u32 i;

	for (i = 0; i < len && i < MESH_TEST_MAX_STRING; i++)
		mt_byte(s, str[i]);
	mt_close(s, at);
}

static __always_inline void mt_fixed64(struct mt_state *s, __u8 tag, __u64 v)
{
	int i;

	mt_byte(s, tag);
#pragma unroll
	for (i = 0; i < 8; i++)
		mt_byte(s, (v >> (8 * i)) & 0xff);
}

/* A Log in the open TestResult, or in the suite outside TEST. */
static __always_inline void mt_log(struct mt_state *s, const char *fmt, __u32 len, __u32 nargs, __u64 a0, __u64 a1)
{
	__u32 at = mt_open(s, s->in_test ? 0x1a : 0x12);

	mt_string(s, 0x0a, fmt, len);
	if (nargs > 0)
		mt_fixed64(s, 0x11, a0);
	if (nargs > 1)
		mt_fixed64(s, 0x11, a1);
	mt_close(s, at);
}

static __always_inline void mt_fail(struct mt_state *s)
{
	if (s->in_test)
		s->test_status = TEST_FAIL;
	s->suite_status = TEST_FAIL;
}

static __always_inline void mt_test_begin(struct mt_state *s, const char *name, __u32 len)
{
	s->test_start = mt_open(s, 0x0a);
	mt_string(s, 0x0a, name, len);
	s->in_test = 1;
	s->test_status = TEST_PASS;
}

static __always_inline void mt_test_end(struct mt_state *s)
{
	mt_byte(s, 0x10);
	mt_byte(s, s->test_status);
	mt_close(s, s->test_start);
	s->in_test = 0;
}

#define MT_STR2(x) #x
#define MT_STR(x) MT_STR2(x)
#define MT_WHERE " (" __FILE__ ":" MT_STR(__LINE__) ")"

#define test_init()                                                                  \
	struct mt_state __mt = {};                                                       \
	__u32 __mt_key = 0;                                                              \
	__mt.res = bpf_map_lookup_elem(&suite_result_map, &__mt_key);                    \
	if (!__mt.res)                                                                   \
		return TEST_ERROR;                                                           \
	__mt.suite_status = TEST_PASS;                                                   \
	do {

#define test_finish()                                                                \
	} while (0);                                                                     \
	return __mt.suite_status

#define TEST(name, ...)                                                              \
	do {                                                                             \
		mt_test_begin(&__mt, name, sizeof(name) - 1);                                \
		do {                                                                         \
			__VA_ARGS__                                                              \
		} while (0);                                                                 \
		mt_test_end(&__mt);                                                          \
	} while (0)

#define test_log(fmt)                                                                \
	mt_log(&__mt, fmt, sizeof(fmt) - 1, 0, 0, 0)

#define test_fail(fmt)                                                               \
	do {                                                                             \
		mt_log(&__mt, fmt MT_WHERE, sizeof(fmt MT_WHERE) - 1, 0, 0, 0);             \
		mt_fail(&__mt);                                                              \
	} while (0)

#define assert(cond)                                                                 \
	if (!(cond)) {                                                                   \
		mt_log(&__mt, "assert failed: " #cond MT_WHERE,                             \
		       sizeof("assert failed: " #cond MT_WHERE) - 1, 0, 0, 0);               \
		mt_fail(&__mt);                                                              \
		break;                                                                       \
	}

#define ASSERT_EQ(actual, expected)                                                  \
	if ((__u64)(actual) != (__u64)(expected)) {                                      \
		mt_log(&__mt, #actual " == " #expected ": got %llu, want %llu" MT_WHERE,    \
		       sizeof(#actual " == " #expected ": got %llu, want %llu" MT_WHERE) - 1, \
		       2, (__u64)(actual), (__u64)(expected));                               \
		mt_fail(&__mt);                                                              \
		break;                                                                       \
	}

#endif /* MESH_TEST_H */
