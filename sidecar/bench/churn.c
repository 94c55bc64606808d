/* A connection-per-request client and a server for it, for sidecar/bench/naming-cpu.sh: the client opens a TCP
 * connection, reads a greeting, sends a request, reads the reply and closes (first, as PyMySQL does: its side goes to
 * TIME_WAIT), RATE times a second, one long-lived process. The server answers one connection at a time.
 *   cc -O2 -o churn churn.c
 *   ./churn server PORT
 *   ./churn client PORT RATE SECONDS      (prints: connections, seconds, median lifetime in microseconds)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: churn server PORT | churn client PORT RATE SECONDS\n");
        return 2;
    }
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(atoi(argv[2]));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char buf[256];
    memset(buf, 'x', sizeof buf);
    int one = 1;
    if (strcmp(argv[1], "server") == 0) {
        int l = socket(AF_INET, SOCK_STREAM, 0);
        setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(l, (struct sockaddr *) &a, sizeof a) || listen(l, 1024)) {
            perror("bind/listen");
            return 1;
        }
        for (;;) {
            int c = accept(l, NULL, NULL);
            if (c < 0) continue;
            setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            write(c, buf, 90);                       /* greeting */
            if (read(c, buf, sizeof buf) > 0) {      /* request */
                write(c, buf, 40);                   /* reply */
                while (read(c, buf, sizeof buf) > 0) { }
            }
            close(c);
        }
    }
    if (argc < 5) return 2;
    double rate = atof(argv[3]), seconds = atof(argv[4]);
    int max = (int) (rate * seconds) + 16, n = 0;
    double *life = malloc(sizeof(double) * max);
    double start = now(), next = start;
    while (now() - start < seconds && n < max) {
        double t0 = now();
        int s = socket(AF_INET, SOCK_STREAM, 0);
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(s, (struct sockaddr *) &a, sizeof a) == 0 && read(s, buf, 90) > 0) {
            write(s, buf, 40);
            read(s, buf, 40);
        }
        close(s);
        life[n++] = now() - t0;
        next += 1.0 / rate;
        double d = next - now();
        if (d > 0) {
            struct timespec ts = {(time_t) d, (long) ((d - (time_t) d) * 1e9)};
            nanosleep(&ts, NULL);
        } else if (d < -1) {
            next = now();
        }
    }
    double took = now() - start;
    qsort(life, n, sizeof(double), cmp);
    printf("%d %.3f %.0f\n", n, took, n ? life[n / 2] * 1e6 : 0);
    return 0;
}
