/*
 * LivCloud lab guest: the whole userland of the test VM, run as PID 1 from
 * the initramfs (built statically by `Lab/lab build-guest`).
 *
 * What it does, and why:
 *   - mounts /proc (to read the kernel command line) and /sys, /dev;
 *   - reads from /proc/cmdline:
 *       livcloud.name=NAME            name printed in every heartbeat
 *       livcloud.dirty_mib_per_s=N    memory dirtying rate (0 = idle)
 *       livcloud.wss_mib=N            working set to allocate (default 64)
 *   - allocates the working set and touches it once, so the pages exist;
 *   - every ~200 ms prints on the serial console
 *       LIVCLOUD-HEARTBEAT name=NAME seq=<n> uptime_ms=<ms> dirty_mib_per_s=<N>
 *       wss_mib=<W> dirtied_mib=<total>
 *     so a test can see that the guest keeps running after a live migration
 *     (the serial log file is shared by source and destination QEMU);
 *   - between heartbeats dirties memory at N MiB/s, one changing byte per
 *     4 KiB page, paced by CLOCK_MONOTONIC in 10 ms slices (so the rate is
 *     independent of how fast the emulated CPU is, as long as it keeps up);
 *   - before every heartbeat checks that every page of the working set still
 *     holds the byte it last wrote there. A live migration that loses dirty
 *     pages shows up as `LIVCLOUD-CORRUPTION` lines and a growing
 *     `corrupt_pages=` count in the heartbeat (the pages are then rewritten
 *     so each loss is counted once).
 *
 * It must never exit: PID 1 exiting panics the kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096u
#define HEARTBEAT_NS 200000000LL /* 200 ms */
#define SLICE_NS 10000000LL      /* 10 ms pacing slice */

static int out_fd = 1;

static void say(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof buf)
        n = sizeof buf - 1;
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(out_fd, p, (size_t)n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        p += w;
        n -= (int)w;
    }
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(int64_t deadline_ns)
{
    struct timespec ts = {
        .tv_sec = deadline_ns / 1000000000LL,
        .tv_nsec = deadline_ns % 1000000000LL,
    };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

/* Opens a console for output: prefer the serial port, fall back to
 * /dev/console, keep the fd the kernel gave us if neither opens. */
static void open_console(void)
{
    mkdir("/dev", 0755);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL); /* may already be there */
    const char *candidates[] = {"/dev/ttyS0", "/dev/console"};
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) {
        int fd = open(candidates[i], O_WRONLY | O_NOCTTY);
        if (fd >= 0) {
            out_fd = fd;
            return;
        }
    }
}

/* Value of `key=` in the command line (whitespace separated), or NULL. */
static const char *cmdline_value(const char *cmdline, const char *key, char *out,
                                 size_t outlen)
{
    size_t klen = strlen(key);
    const char *p = cmdline;
    while (*p) {
        while (*p == ' ' || *p == '\n' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *end = p;
        while (*end && *end != ' ' && *end != '\n' && *end != '\t')
            end++;
        if ((size_t)(end - p) > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t vlen = (size_t)(end - p) - klen - 1;
            if (vlen >= outlen)
                vlen = outlen - 1;
            memcpy(out, p + klen + 1, vlen);
            out[vlen] = '\0';
            return out;
        }
        p = end;
    }
    return NULL;
}

static long parse_long(const char *s, long dflt, long min, long max)
{
    if (!s || !*s)
        return dflt;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end)
        return dflt;
    if (v < min)
        v = min;
    if (v > max)
        v = max;
    return v;
}

int main(void)
{
    mkdir("/proc", 0555);
    mkdir("/sys", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    mount("sysfs", "/sys", "sysfs", 0, NULL);
    open_console();

    char cmdline[4096] = {0};
    int fd = open("/proc/cmdline", O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, cmdline, sizeof cmdline - 1);
        if (n > 0)
            cmdline[n] = '\0';
        close(fd);
    }

    char name[128] = "unnamed", tmp[64];
    cmdline_value(cmdline, "livcloud.name", name, sizeof name);
    /* Heartbeat lines must stay one token per field. */
    for (char *c = name; *c; c++)
        if (*c == ' ' || *c == '\r' || *c == '\n')
            *c = '_';
    long dirty = parse_long(cmdline_value(cmdline, "livcloud.dirty_mib_per_s", tmp, sizeof tmp),
                            0, 0, 1L << 20);
    long wss = parse_long(cmdline_value(cmdline, "livcloud.wss_mib", tmp, sizeof tmp), 64, 1,
                          1L << 20);

    /* Never ask for more than the guest can give: leave 24 MiB to the kernel. */
    struct sysinfo si;
    if (sysinfo(&si) == 0) {
        long free_mib = (long)((unsigned long long)si.freeram * si.mem_unit >> 20) - 24;
        if (free_mib < 1)
            free_mib = 1;
        if (wss > free_mib) {
            say("LIVCLOUD-INFO wss_mib=%ld clamped to %ld (free memory)\n", wss, free_mib);
            wss = free_mib;
        }
    }

    size_t wss_bytes = (size_t)wss << 20;
    uint8_t *mem = MAP_FAILED;
    while (mem == MAP_FAILED && wss > 0) {
        wss_bytes = (size_t)wss << 20;
        mem = mmap(NULL, wss_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED)
            wss /= 2;
    }
    size_t pages = mem == MAP_FAILED ? 0 : wss_bytes / PAGE;
    if (mem == MAP_FAILED)
        wss = 0;
    for (size_t i = 0; i < pages; i++)
        mem[i * PAGE] = 1; /* populate */

    say("LIVCLOUD-READY name=%s dirty_mib_per_s=%ld wss_mib=%ld\n", name, dirty, wss);

    /* Pages owed so far = rate * elapsed; we pay the debt every slice. */
    const double pages_per_ns = (double)dirty * (1024.0 * 1024.0 / PAGE) / 1e9;
    int64_t start = now_ns();
    int64_t next_beat = start;
    int64_t next_slice = start;
    uint64_t dirtied_pages = 0;
    size_t cursor = 0;
    uint8_t value = 2, prev = 1;
    unsigned long long seq = 0, corrupt = 0;

    for (;;) {
        int64_t t = now_ns();
        if (t >= next_beat) {
            /* Pages [0, cursor) hold `value`, the rest the previous value. */
            unsigned long long bad = 0;
            size_t first_bad = 0;
            uint8_t first_got = 0, first_want = 0;
            for (size_t i = 0; i < pages; i++) {
                uint8_t want = i < cursor ? value : prev;
                uint8_t got = mem[i * PAGE];
                if (got != want) {
                    if (bad++ == 0) {
                        first_bad = i;
                        first_got = got;
                        first_want = want;
                    }
                    mem[i * PAGE] = want;
                }
            }
            if (bad) {
                corrupt += bad;
                say("LIVCLOUD-CORRUPTION name=%s pages=%llu first_page=%zu got=%u want=%u\n", name,
                    bad, first_bad, first_got, first_want);
            }
            say("LIVCLOUD-HEARTBEAT name=%s seq=%llu uptime_ms=%lld dirty_mib_per_s=%ld "
                "wss_mib=%ld dirtied_mib=%llu corrupt_pages=%llu\n",
                name, seq++, (long long)((t - start) / 1000000), dirty, wss,
                (unsigned long long)(dirtied_pages * PAGE >> 20), corrupt);
            next_beat += HEARTBEAT_NS;
            if (next_beat <= t) /* we were stopped (e.g. migration downtime): resync */
                next_beat = t + HEARTBEAT_NS;
        }
        if (dirty > 0 && pages > 0) {
            uint64_t owed = (uint64_t)((double)(t - start) * pages_per_ns);
            /* After a long stop don't burst more than one heartbeat's worth. */
            uint64_t cap = (uint64_t)(pages_per_ns * HEARTBEAT_NS) + 1;
            if (owed > dirtied_pages + cap)
                dirtied_pages = owed - cap;
            while (dirtied_pages < owed) {
                mem[cursor * PAGE] = value;
                if (++cursor == pages) {
                    cursor = 0;
                    prev = value;
                    value = (uint8_t)(value + 1) ? (uint8_t)(value + 1) : 2; /* 2..255 */
                }
                dirtied_pages++;
            }
            next_slice += SLICE_NS;
            if (next_slice <= t)
                next_slice = t + SLICE_NS;
            sleep_until(next_slice < next_beat ? next_slice : next_beat);
        } else {
            sleep_until(next_beat);
        }
    }
}
