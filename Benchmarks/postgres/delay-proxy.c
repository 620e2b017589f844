// A Unix-socket proxy that holds every chunk for DELAY_US microseconds in
// each direction, in order: a database across a network, on one machine
// (this kernel has no sch_netem). Usage: delay-proxy LISTEN TARGET DELAY_US
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

typedef struct chunk { struct chunk *next; struct timespec due; size_t size; char data[]; } chunk;
// One direction: a reader queues what it reads, a writer sends each chunk when it is due.
typedef struct { int from, to, done; pthread_mutex_t lock; pthread_cond_t ready; chunk *head, *tail; } direction;
static long delay_us;

static void *reader(void *arg) {
    direction *d = arg;
    char buffer[65536];
    ssize_t n;
    while ((n = read(d->from, buffer, sizeof buffer)) > 0) {
        chunk *c = malloc(sizeof *c + n);
        c->next = NULL;
        c->size = n;
        memcpy(c->data, buffer, n);
        clock_gettime(CLOCK_MONOTONIC, &c->due);
        c->due.tv_nsec += delay_us * 1000;
        c->due.tv_sec += c->due.tv_nsec / 1000000000;
        c->due.tv_nsec %= 1000000000;
        pthread_mutex_lock(&d->lock);
        if (d->tail) d->tail->next = c; else d->head = c;
        d->tail = c;
        pthread_cond_signal(&d->ready);
        pthread_mutex_unlock(&d->lock);
    }
    pthread_mutex_lock(&d->lock);
    d->done = 1;
    pthread_cond_signal(&d->ready);
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

static void *writer(void *arg) {
    direction *d = arg;
    prctl(PR_SET_TIMERSLACK, 1);  // wake at the due time, not up to 50 µs after
    for (;;) {
        pthread_mutex_lock(&d->lock);
        while (!d->head && !d->done) pthread_cond_wait(&d->ready, &d->lock);
        chunk *c = d->head;
        if (c) { d->head = c->next; if (!d->head) d->tail = NULL; }
        pthread_mutex_unlock(&d->lock);
        if (!c) { shutdown(d->to, SHUT_WR); return NULL; }
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &c->due, NULL)) {}
        for (size_t sent = 0; sent < c->size;) {
            ssize_t w = write(d->to, c->data + sent, c->size - sent);
            if (w <= 0) break;
            sent += w;
        }
        free(c);
    }
}

static void forward(int from, int to) {
    direction *d = calloc(1, sizeof *d);
    d->from = from;
    d->to = to;
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->ready, NULL);
    pthread_t thread;
    pthread_create(&thread, NULL, reader, d);
    pthread_create(&thread, NULL, writer, d);
}

static struct sockaddr_un address(const char *path) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strncpy(a.sun_path, path, sizeof a.sun_path - 1);
    return a;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s LISTEN TARGET DELAY_US\n", argv[0]); return 2; }
    delay_us = atol(argv[3]);
    struct sockaddr_un listening = address(argv[1]), target = address(argv[2]);
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    unlink(argv[1]);
    if (bind(server, (void *)&listening, sizeof listening) || listen(server, 64)) { perror("listen"); return 1; }
    chmod(argv[1], 0777);
    for (;;) {
        int client = accept(server, NULL, NULL);
        if (client < 0) continue;
        int database = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(database, (void *)&target, sizeof target)) { close(client); close(database); continue; }
        forward(client, database);
        forward(database, client);
    }
}
