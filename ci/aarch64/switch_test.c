/*
 * Test harness for goro's aarch64 context switch (rt/src/arch/aarch64.rs).
 *
 * run.sh extracts the assembly text of the `global_asm!` invocations from the Rust source
 * into a .S file; this file is linked against it and run under qemu-aarch64. It mirrors the
 * Rust `init_stack` exactly and checks, through `goro_switch` / `goro_trampoline` only:
 *
 *   1. ping-pong between main and two coroutines (and coroutine -> coroutine), values intact;
 *   2. x19-x28, x29 and d8-d15 survive a switch while the other context clobbers them all;
 *   3. (FPCR is not switched: Rust code only runs with the default floating-point state.)
 *   4. a fresh context enters its entry function with sp == top (16-aligned), x0 == arg,
 *      x29 == 0 and the link register inside goro_trampoline;
 *   5. an entry function that returns hits the trampoline's `brk` (SIGTRAP), not garbage.
 *
 * Each test runs in its own child process under a time limit, so a broken switch that crashes
 * or hangs is reported as a failure of that test and the others still run.
 * Prints "N passed, M failed" and exits non-zero when M > 0.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#if !defined(__aarch64__)
#error "this harness is for aarch64 only"
#endif

/* ---- the code under test (from the extracted .S) ---------------------------------------- */

typedef struct {
    uintptr_t sp; /* saved stack pointer of a suspended context; 0 while it runs */
} Context;

void goro_switch(Context *from, const Context *to);
void goro_trampoline(void);

typedef void (*Entry)(uintptr_t arg); /* must not return (Rust: `-> !`) */

/* Mirror of the Rust `init_stack`: 176-byte frame below a 16-aligned top,
 * words[0] = x19 = entry, words[1] = x20 = arg, words[11] = x30 = goro_trampoline,
 * everything else 0, in particular x29 (words[10]) and the padding word (words[20], at +160). */
#define FRAME_BYTES 176
#define FRAME_WORDS (FRAME_BYTES / 8)
static Context init_stack(uintptr_t top, Entry entry, uintptr_t arg) {
    if (top % 16 != 0) {
        fprintf(stderr, "init_stack: top not 16-aligned\n");
        abort();
    }
    uintptr_t sp = top - FRAME_BYTES;
    uintptr_t words[FRAME_WORDS];
    memset(words, 0, sizeof words);
    words[0] = (uintptr_t)entry;            /* x19 */
    words[1] = arg;                         /* x20 */
    words[11] = (uintptr_t)goro_trampoline; /* x30 */
    memcpy((void *)sp, words, sizeof words);
    Context c = {sp};
    return c;
}

/* ---- reporting ----------------------------------------------------------------------------- */

/* Shared with the per-test child processes (MAP_SHARED). */
static struct counts {
    int passed, failed;
} *counts;

static void check(int ok, const char *what) {
    if (ok) {
        counts->passed++;
        printf("ok   %s\n", what);
    } else {
        counts->failed++;
        printf("FAIL %s\n", what);
    }
    fflush(stdout);
}

#define STACK_BYTES (256 * 1024)

/* A fresh, garbage-filled stack; returns its (16-aligned) top. */
static uintptr_t new_stack(void) {
    void *p = aligned_alloc(16, STACK_BYTES);
    if (!p) {
        perror("aligned_alloc");
        exit(2);
    }
    memset(p, 0xA5, STACK_BYTES); /* garbage, so the test does not depend on zeroed memory */
    return (uintptr_t)p + STACK_BYTES;
}

/* ---- assembly helpers ---------------------------------------------------------------------- */

/*
 * uint64_t regs[19]: x19..x28 (10), x29 (1), d8..d15 (8).
 *
 * void probe_switch(Context *from, const Context *to, const uint64_t in[19], uint64_t out[19]);
 *   A well-behaved C function (it preserves the caller's callee-saved registers itself) that
 *   loads in[] into x19-x29 and d8-d15, calls goro_switch(from, to) and, once resumed, stores
 *   the registers it then holds into out[]. out[] == in[] iff goro_switch preserved them.
 *
 * entry_probe: an Entry that records sp, x0, x29 and x30 exactly as the trampoline hands
 *   them over, then tail-calls probe_entry_c(x0).
 */
#define NREGS 19
__asm__(
    ".text\n"
    ".global probe_switch\n"
    ".type probe_switch,%function\n"
    ".p2align 4\n"
    "probe_switch:\n"
    "  stp x29, x30, [sp, #-176]!\n"
    "  mov x29, sp\n"
    "  stp x19, x20, [sp, #16]\n"
    "  stp x21, x22, [sp, #32]\n"
    "  stp x23, x24, [sp, #48]\n"
    "  stp x25, x26, [sp, #64]\n"
    "  stp x27, x28, [sp, #80]\n"
    "  stp d8, d9, [sp, #96]\n"
    "  stp d10, d11, [sp, #112]\n"
    "  stp d12, d13, [sp, #128]\n"
    "  stp d14, d15, [sp, #144]\n"
    "  str x3, [sp, #160]\n"
    "  ldp x19, x20, [x2, #0]\n"
    "  ldp x21, x22, [x2, #16]\n"
    "  ldp x23, x24, [x2, #32]\n"
    "  ldp x25, x26, [x2, #48]\n"
    "  ldp x27, x28, [x2, #64]\n"
    "  ldr x29, [x2, #80]\n"
    "  ldp d8, d9, [x2, #88]\n"
    "  ldp d10, d11, [x2, #104]\n"
    "  ldp d12, d13, [x2, #120]\n"
    "  ldp d14, d15, [x2, #136]\n"
    /* Scribble over every caller-saved register too, so nothing survives by accident. */
    "  mov x2, #0x5a5a\n"
    "  mov x3, x2\n  mov x4, x2\n  mov x5, x2\n  mov x6, x2\n  mov x7, x2\n"
    "  mov x8, x2\n  mov x9, x2\n  mov x10, x2\n  mov x11, x2\n  mov x12, x2\n"
    "  mov x13, x2\n  mov x14, x2\n  mov x15, x2\n  mov x16, x2\n  mov x17, x2\n"
    "  bl goro_switch\n"
    "  ldr x3, [sp, #160]\n"
    "  stp x19, x20, [x3, #0]\n"
    "  stp x21, x22, [x3, #16]\n"
    "  stp x23, x24, [x3, #32]\n"
    "  stp x25, x26, [x3, #48]\n"
    "  stp x27, x28, [x3, #64]\n"
    "  str x29, [x3, #80]\n"
    "  stp d8, d9, [x3, #88]\n"
    "  stp d10, d11, [x3, #104]\n"
    "  stp d12, d13, [x3, #120]\n"
    "  stp d14, d15, [x3, #136]\n"
    "  ldp x19, x20, [sp, #16]\n"
    "  ldp x21, x22, [sp, #32]\n"
    "  ldp x23, x24, [sp, #48]\n"
    "  ldp x25, x26, [sp, #64]\n"
    "  ldp x27, x28, [sp, #80]\n"
    "  ldp d8, d9, [sp, #96]\n"
    "  ldp d10, d11, [sp, #112]\n"
    "  ldp d12, d13, [sp, #128]\n"
    "  ldp d14, d15, [sp, #144]\n"
    "  ldp x29, x30, [sp], #176\n"
    "  ret\n"
    ".size probe_switch, .-probe_switch\n"
    "\n"
    ".global entry_probe\n"
    ".type entry_probe,%function\n"
    ".p2align 4\n"
    "entry_probe:\n"
    "  adrp x9, probe_sp\n"
    "  mov x10, sp\n"
    "  str x10, [x9, :lo12:probe_sp]\n"
    "  adrp x9, probe_x0\n"
    "  str x0, [x9, :lo12:probe_x0]\n"
    "  adrp x9, probe_x29\n"
    "  str x29, [x9, :lo12:probe_x29]\n"
    "  adrp x9, probe_x30\n"
    "  str x30, [x9, :lo12:probe_x30]\n"
    "  b probe_entry_c\n"
    ".size entry_probe, .-entry_probe\n");

void probe_switch(Context *from, const Context *to, const uint64_t in[NREGS], uint64_t out[NREGS]);
void entry_probe(uintptr_t arg);

/* Written by entry_probe (hence not static). */
volatile uintptr_t probe_sp, probe_x0, probe_x29, probe_x30;

static const char *reg_name(int i) {
    static const char *names[NREGS] = {"x19", "x20", "x21", "x22", "x23", "x24", "x25",
                                       "x26", "x27", "x28", "x29", "d8",  "d9",  "d10",
                                       "d11", "d12", "d13", "d14", "d15"};
    return names[i];
}

static void fill_pattern(uint64_t regs[NREGS], uint64_t seed) {
    for (int i = 0; i < NREGS; i++)
        regs[i] = (seed << 40) ^ ((uint64_t)(i + 1) * 0x0101010101ull) ^ 0x8000000000000000ull;
}

/* Returns the number of mismatching registers, printing the first few. */
static int compare_regs(const char *who, const uint64_t want[NREGS], const uint64_t got[NREGS]) {
    int bad = 0;
    for (int i = 0; i < NREGS; i++) {
        if (want[i] != got[i]) {
            if (bad < 4)
                printf("     %s: %s = %#llx, want %#llx\n", who, reg_name(i),
                       (unsigned long long)got[i], (unsigned long long)want[i]);
            bad++;
        }
    }
    return bad;
}

/* ---- 1. ping-pong ------------------------------------------------------------------------- */

#define PP_ROUNDS 100000
static Context pp_main, pp_co[2];
static volatile uint64_t pp_mail;
static volatile int pp_chain;        /* 1: co0 passes to co1, which returns to main */
static volatile uintptr_t pp_arg_seen[2];

static uint64_t pp_step(uint64_t v, uintptr_t who) { return v * 3 + who + 1; }

static void pp_entry(uintptr_t arg) {
    pp_arg_seen[arg] = arg + 1000; /* proves which arg arrived */
    for (;;) {
        pp_mail = pp_step(pp_mail, arg);
        if (pp_chain && arg == 0)
            goro_switch(&pp_co[0], &pp_co[1]);
        else
            goro_switch(&pp_co[arg], &pp_main);
    }
}

static void test_ping_pong(void) {
    for (uintptr_t i = 0; i < 2; i++) pp_co[i] = init_stack(new_stack(), pp_entry, i);
    long bad = 0;
    for (uint64_t r = 0; r < PP_ROUNDS; r++) {
        for (uintptr_t i = 0; i < 2; i++) {
            pp_chain = 0;
            pp_mail = r * 7 + i;
            goro_switch(&pp_main, &pp_co[i]);
            if (pp_mail != pp_step(r * 7 + i, i)) bad++;
            if (pp_main.sp == 0 || pp_co[i].sp == 0) bad++; /* both suspended contexts saved */
        }
        pp_chain = 1;
        pp_mail = r;
        goro_switch(&pp_main, &pp_co[0]);
        if (pp_mail != pp_step(pp_step(r, 0), 1)) bad++;
    }
    check(pp_arg_seen[0] == 1000 && pp_arg_seen[1] == 1001, "ping-pong: each coroutine got its own arg");
    char what[128];
    snprintf(what, sizeof what, "ping-pong: %d rounds main<->co0, main<->co1, main->co0->co1->main (%ld bad)",
             PP_ROUNDS, bad);
    check(bad == 0, what);
}

/* ---- 2. callee-saved registers ------------------------------------------------------------ */

#define CS_ROUNDS 50
static Context cs_main, cs_co;
static int cs_co_bad;

static void cs_entry(uintptr_t arg) {
    (void)arg;
    uint64_t in[NREGS], out[NREGS];
    for (uint64_t r = 0;; r++) {
        fill_pattern(in, 0xB000 + r);
        probe_switch(&cs_co, &cs_main, in, out); /* clobbers all of them, then switches away */
        cs_co_bad += compare_regs("coroutine", in, out);
    }
}

static void test_callee_saved(void) {
    cs_co = init_stack(new_stack(), cs_entry, 0);
    uint64_t in[NREGS], out[NREGS];
    int main_bad = 0;
    for (uint64_t r = 0; r < CS_ROUNDS; r++) {
        fill_pattern(in, 0xA000 + r);
        probe_switch(&cs_main, &cs_co, in, out);
        main_bad += compare_regs("main", in, out);
    }
    /* One more round trip so the coroutine checks its last pattern. */
    fill_pattern(in, 0xAFFF);
    probe_switch(&cs_main, &cs_co, in, out);
    main_bad += compare_regs("main", in, out);
    check(main_bad == 0, "callee-saved: x19-x29, d8-d15 of main survive switches (other side clobbers)");
    check(cs_co_bad == 0, "callee-saved: x19-x29, d8-d15 of a coroutine survive switches (main clobbers)");
}

/* ---- 4. fresh-context entry state --------------------------------------------------------- */

#define ENTRY_ARG ((uintptr_t)0xDEADBEEFCAFEF00Dull)
static Context en_main, en_co;
static volatile uintptr_t en_c_arg;

void probe_entry_c(uintptr_t arg) { /* reached by a tail call from entry_probe */
    en_c_arg = arg;
    for (;;) goro_switch(&en_co, &en_main);
}

static void test_entry_state(void) {
    uintptr_t top = new_stack();
    en_co = init_stack(top, entry_probe, ENTRY_ARG);
    check(en_co.sp == top - FRAME_BYTES && en_co.sp % 16 == 0, "entry: init_stack frame is 176 bytes, 16-aligned");
    goro_switch(&en_main, &en_co);
    char what[160];
    snprintf(what, sizeof what, "entry: sp is 16-aligned at entry (sp %% 16 = %lu)", (unsigned long)(probe_sp % 16));
    check(probe_sp % 16 == 0, what);
    check(probe_sp == top, "entry: sp at entry is exactly the stack top (whole frame popped)");
    snprintf(what, sizeof what, "entry: x0 = arg (got %#lx)", (unsigned long)probe_x0);
    check(probe_x0 == ENTRY_ARG, what);
    check(en_c_arg == ENTRY_ARG, "entry: C entry function receives arg as its first parameter");
    check(probe_x29 == 0, "entry: x29 (frame pointer) is 0, ending frame-pointer walks");
    check(probe_x30 > (uintptr_t)goro_trampoline && probe_x30 < (uintptr_t)goro_trampoline + 64,
          "entry: link register points back into goro_trampoline (entered via blr)");
}

/* ---- 5. an entry that returns traps --------------------------------------------------------- */

static Context rt_main, rt_co;
static void returning_entry(uintptr_t arg) { (void)arg; }

static void test_return_traps(void) {
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    rt_co = init_stack(new_stack(), returning_entry, 0);
    goro_switch(&rt_main, &rt_co);
    /* Not reached: returning_entry returns into the trampoline's `brk #0`. */
}

/* ---- driver --------------------------------------------------------------------------------- */

#define TEST_SECONDS 30

/* Runs `test` in a child; `want_sig` is the signal it must die by (0: must exit normally). */
static void run_isolated(const char *name, void (*test)(void), int want_sig) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        alarm(TEST_SECONDS);
        test();
        fflush(stdout);
        _exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) {
        perror("waitpid");
        exit(2);
    }
    char what[200];
    if (want_sig) {
        snprintf(what, sizeof what, "%s: child dies by signal %d (status %#x)", name, want_sig, status);
        check(WIFSIGNALED(status) && WTERMSIG(status) == want_sig, what);
    } else if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        if (WIFSIGNALED(status))
            snprintf(what, sizeof what, "%s: child killed by signal %d%s", name, WTERMSIG(status),
                     WTERMSIG(status) == SIGALRM ? " (hung)" : "");
        else
            snprintf(what, sizeof what, "%s: child exited with status %d", name, WEXITSTATUS(status));
        check(0, what);
    }
}

int main(void) {
    counts = mmap(NULL, sizeof *counts, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (counts == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    run_isolated("callee-saved", test_callee_saved, 0);
    run_isolated("ping-pong", test_ping_pong, 0);
    run_isolated("entry", test_entry_state, 0);
    /* qemu reports this expected trap on stderr ("uncaught target signal 5"). */
    run_isolated("trampoline: an entry that returns hits brk", test_return_traps, SIGTRAP);
    printf("%d passed, %d failed\n", counts->passed, counts->failed);
    return counts->failed ? 1 : 0;
}
