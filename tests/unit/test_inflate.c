/* Unit tests of inflate.c's decode-ahead ring (struct lw_pipe): a
 * producer thread fills slots from a fill function while the consumer
 * pulls them in order; the bytes arrive whole and in order whatever the
 * sizes, the end and a failure are sticky, and a consumer that stops early
 * gets the fill function back with no call left running. (The gunzip
 * decoder itself is checked end to end: tests/e2e/test_fastpath.sh,
 * test_verify.sh, test_hostile.sh.) */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inflate.h"
#include "suite.h"

/* A source of total bytes, byte i being (i * 7 + i / 251) & 0xff, given
 * in pieces of at most step (and cap); fails with -1 after fail_after
 * calls when that is not 0. */
struct source {
	uint64_t total, pos;
	size_t step;
	unsigned fail_after;
	atomic_uint calls;
	atomic_int inside; /* a fill call is running */
};

static unsigned char byte_at(uint64_t i)
{
	return (unsigned char)((i * 7 + i / 251) & 0xff);
}

static long source_fill(void *ctx, unsigned char *out, size_t cap)
{
	struct source *s = ctx;
	unsigned calls = atomic_fetch_add(&s->calls, 1) + 1;
	size_t n = cap < s->step ? cap : s->step, i;

	atomic_store(&s->inside, 1);
	if (s->fail_after && calls > s->fail_after) {
		atomic_store(&s->inside, 0);
		return -1;
	}
	if (n > s->total - s->pos)
		n = (size_t)(s->total - s->pos);
	for (i = 0; i < n; i++)
		out[i] = byte_at(s->pos + i);
	s->pos += n;
	atomic_store(&s->inside, 0);
	return (long)n;
}

static void *produce(void *arg)
{
	lw_pipe_produce(arg);
	return NULL;
}

/* Pulls everything; returns the bytes checked, and the final code in
 * *last. */
static uint64_t drain(struct lw_pipe *p, long *last)
{
	uint64_t got = 0;
	const void *buf;
	long n;

	while ((n = lw_pipe_pull(p, &buf)) > 0) {
		const unsigned char *b = buf;
		long i = 0;

		/* One assertion a piece: Check records each. */
		while (i < n && b[i] == byte_at(got + (uint64_t)i))
			i++;
		ck_assert_msg(i == n, "byte %llu",
			      (unsigned long long)(got + (uint64_t)i));
		got += (uint64_t)n;
	}
	*last = n;
	return got;
}

static void run_whole(uint64_t total, size_t step)
{
	struct source s = { .total = total, .step = step };
	struct lw_pipe p;
	pthread_t t;
	const void *buf;
	long last;

	lw_pipe_init(&p, source_fill, &s);
	ck_assert_int_eq(pthread_create(&t, NULL, produce, &p), 0);
	ck_assert_uint_eq(drain(&p, &last), total);
	ck_assert_int_eq(last, 0);
	/* The end stays the end. */
	ck_assert_int_eq(lw_pipe_pull(&p, &buf), 0);
	ck_assert_int_eq(lw_pipe_pull(&p, &buf), 0);
	lw_pipe_stop(&p);
	pthread_join(t, NULL);
	lw_pipe_release(&p);
}

START_TEST(pipe_in_order)
{
	/* Empty, less than a slot, whole slots, many rounds of the ring,
	 * in pieces of one byte to a whole slot. */
	run_whole(0, LW_PIPE_SLOT);
	run_whole(1, LW_PIPE_SLOT);
	run_whole(LW_PIPE_SLOT, LW_PIPE_SLOT);
	run_whole(3 * LW_PIPE_SLOT + 17, 4096);
	run_whole((uint64_t)LW_PIPE_SLOTS * 5 * LW_PIPE_SLOT + 1,
		  LW_PIPE_SLOT);
	run_whole(20000, 1);
	run_whole(2 * LW_PIPE_SLOT, 777);
}
END_TEST

START_TEST(pipe_failure_sticky)
{
	struct source s = { .total = 100u << 20, .step = 65536,
			    .fail_after = 9 };
	struct lw_pipe p;
	pthread_t t;
	const void *buf;
	long last;

	lw_pipe_init(&p, source_fill, &s);
	ck_assert_int_eq(pthread_create(&t, NULL, produce, &p), 0);
	/* The bytes before the failure arrive, then the failure, again
	 * and again; the producer has stopped calling fill. */
	ck_assert_uint_eq(drain(&p, &last), 9u * 65536);
	ck_assert_int_eq(last, -1);
	ck_assert_int_eq(lw_pipe_pull(&p, &buf), -1);
	lw_pipe_stop(&p);
	pthread_join(t, NULL);
	ck_assert_uint_eq(atomic_load(&s.calls), 10);
	lw_pipe_release(&p);
}
END_TEST

START_TEST(pipe_stop_early)
{
	struct source s = { .total = UINT64_MAX, .step = LW_PIPE_SLOT };
	struct lw_pipe p;
	pthread_t t;
	const void *buf;
	unsigned calls;
	int i;

	lw_pipe_init(&p, source_fill, &s);
	ck_assert_int_eq(pthread_create(&t, NULL, produce, &p), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(lw_pipe_pull(&p, &buf), LW_PIPE_SLOT);
	ck_assert_uint_eq(((const unsigned char *)buf)[5],
			  byte_at(2ull * LW_PIPE_SLOT + 5));
	/* After stop, no fill is running nor will run: the decoder is the
	 * caller's again. The ring never holds more than its slots. */
	lw_pipe_stop(&p);
	calls = atomic_load(&s.calls);
	ck_assert_int_eq(atomic_load(&s.inside), 0);
	ck_assert_uint_le(calls, 3 + LW_PIPE_SLOTS);
	pthread_join(t, NULL);
	ck_assert_uint_eq(atomic_load(&s.calls), calls);
	lw_pipe_release(&p);
}
END_TEST

static Suite *inflate_suite(void)
{
	Suite *s = suite_create("inflate");
	TCase *tc = tcase_create("pipe");

	tcase_add_test(tc, pipe_in_order);
	tcase_add_test(tc, pipe_failure_sticky);
	tcase_add_test(tc, pipe_stop_early);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return lwt_run_suite(inflate_suite());
}
