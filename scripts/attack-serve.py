#!/usr/bin/env python3
"""The never-reading attack on `ontop serve`, against the release binary, measured.

Usage:
    scripts/attack-serve.py [--ontop PATH] [--clusters N] [--pad-labels K]
                            [--attackers 300] [--spread A] [--seconds S]

It starts `ontop sim --clusters N --write-config fleet.toml`, gives every cluster K
labels of 1000 characters (each series carries them, so the page grows to megabytes as
a fleet of thousands would make it), adds a `[serve]` login, and starts
`ontop serve --config fleet.toml` on a loopback port. Once every cluster is in
/metrics, it measures, in three phases (idle, attack, after):

  - a healthy scrape: GET /metrics with the login from 127.0.0.1, once a second, whole
    body read; latency median and max, and failures (30 s timeout);
  - serve's RSS, sampled every 200 ms: the peak of each phase.

The attack: ATTACKERS connections from 127.0.0.2 (or spread over A addresses,
127.0.0.2 …), in equal parts: pipeliners (1000 x `GET /healthz`, no login, never
read), never-readers of /metrics (with the login: a scraper gone bad, the large page),
and tricklers (a request head, one byte a second). Each one the server drops is opened
again 200 ms later, so the attack holds for the whole phase. Last, with ATTACKERS
never-readers connected, SIGTERM: how long serve takes to stop.

Build first (`cargo build --release`); `--ontop` runs another build (say, one of main
before a change) for a side-by-side figure. Python 3 standard library only; Linux
(/proc, epoll). Nothing here asserts: it measures.
"""

import argparse
import base64
import http.client
import os
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

LOGIN = ("prometheus", "scrape-me")
AUTH = "Basic " + base64.b64encode(":".join(LOGIN).encode()).decode()


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """The peak RSS of `pid` per phase, sampled every 200 ms."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.phase, self.peaks, self.stop = pid, "idle", {}, False

    def run(self):
        while not self.stop:
            rss = rss_kib(self.pid)
            self.peaks[self.phase] = max(self.peaks.get(self.phase, 0), rss)
            time.sleep(0.2)


class Scraper(threading.Thread):
    """A healthy Prometheus: a scrape a second, latencies per phase."""

    def __init__(self, port, sampler):
        super().__init__(daemon=True)
        self.port, self.sampler, self.stop = port, sampler, False
        self.took, self.failed = {}, {}

    def scrape(self):
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=("127.0.0.1", 0)
        )
        try:
            conn.request("GET", "/metrics", headers={"Authorization": AUTH})
            answer = conn.getresponse()
            body = answer.read()
            return answer.status == 200 and len(body) > 0
        finally:
            conn.close()

    def run(self):
        while not self.stop:
            phase, started = self.sampler.phase, time.monotonic()
            try:
                ok = self.scrape()
            except OSError:
                ok = False
            took = time.monotonic() - started
            if ok:
                self.took.setdefault(phase, []).append(took)
            else:
                self.failed[phase] = self.failed.get(phase, 0) + 1
            time.sleep(max(0.0, 1.0 - took))


PIPELINE = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" * 1000
NEVER_READ = f"GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: {AUTH}\r\n\r\n".encode()
TRICKLE = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 10_000


class Attack(threading.Thread):
    """Hostile connections on one epoll loop, each reopened after the server drops it."""

    def __init__(self, port, count, spread, kinds=("pipeline", "never-read", "trickle")):
        super().__init__(daemon=True)
        self.port, self.stop = port, False
        per = -(-count // spread)
        self.plan = [(kinds[i % len(kinds)], f"127.0.0.{2 + i // per}") for i in range(count)]
        self.reopened = 0

    def open(self, slot):
        kind, source = self.plan[slot]
        sock = socket.socket()
        sock.setblocking(False)
        sock.bind((source, 0))
        try:
            sock.connect(("127.0.0.1", self.port))
        except BlockingIOError:
            pass
        payload = {"pipeline": PIPELINE, "never-read": NEVER_READ, "trickle": TRICKLE}[kind]
        return {"sock": sock, "kind": kind, "left": payload, "next": 0.0}

    def run(self):
        poller = select.epoll()
        conns, reopen = {}, []  # fd -> state; (when, slot)
        events = select.EPOLLOUT | select.EPOLLRDHUP | select.EPOLLHUP | select.EPOLLERR
        for slot in range(len(self.plan)):
            reopen.append((0.0, slot))
        by_fd_slot = {}
        while not self.stop:
            now = time.monotonic()
            due = [r for r in reopen if r[0] <= now]
            reopen = [r for r in reopen if r[0] > now]
            for _, slot in due:
                conn = self.open(slot)
                fd = conn["sock"].fileno()
                conns[fd], by_fd_slot[fd] = conn, slot
                poller.register(fd, events)
            for fd, mask in poller.poll(0.05):
                conn = conns.get(fd)
                if conn is None:
                    continue
                if mask & (select.EPOLLRDHUP | select.EPOLLHUP | select.EPOLLERR):
                    poller.unregister(fd)
                    conn["sock"].close()
                    del conns[fd]
                    reopen.append((time.monotonic() + 0.2, by_fd_slot.pop(fd)))
                    self.reopened += 1
                    continue
                self.send(conn, poller, fd, time.monotonic())
            for fd, conn in list(conns.items()):
                if conn["kind"] == "trickle" and conn["next"] <= time.monotonic():
                    self.send(conn, poller, fd, time.monotonic())
        for conn in conns.values():
            conn["sock"].close()
        poller.close()

    def send(self, conn, poller, fd, now):
        if not conn["left"]:
            return
        if conn["kind"] == "trickle":
            if conn["next"] > now:
                return
            chunk, conn["next"] = conn["left"][:1], now + 1.0
        else:
            chunk = conn["left"]
        try:
            sent = conn["sock"].send(chunk)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            sent = len(chunk)
        conn["left"] = conn["left"][sent:]
        if not conn["left"] or conn["kind"] == "trickle":
            # Nothing more to write now: only a hang-up matters.
            poller.modify(fd, select.EPOLLRDHUP | select.EPOLLHUP | select.EPOLLERR)


def summary(values):
    if not values:
        return "none"
    return f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms ({len(values)} scrapes)"


def start_fleet(ontop, work, clusters, pad):
    config = os.path.join(work, "fleet.toml")
    sim = subprocess.Popen(
        [ontop, "sim", "--clusters", str(clusters), "--write-config", config],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        if os.path.exists(config):
            break
        time.sleep(0.1)
    text = open(config).read()
    labels = ", ".join(f'pad{i:03} = "{"x" * 1000}"' for i in range(pad))
    if pad:
        text = text.replace("[[cluster]]\n", f"[[cluster]]\nlabels = {{ {labels} }}\n")
    secret = os.path.join(work, "serve-password")
    with open(secret, "w") as f:
        f.write(LOGIN[1] + "\n")
    os.chmod(secret, 0o600)
    text += f'\n[serve]\nusername = "{LOGIN[0]}"\npassword_file = "{secret}"\n'
    with open(config, "w") as f:
        f.write(text)
    return sim, config


def start_serve(ontop, work, config):
    env = dict(os.environ, XDG_DATA_HOME=os.path.join(work, "data"))
    serve = subprocess.Popen(
        [ontop, "serve", "--listen", "127.0.0.1:0", "--config", config],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    for line in serve.stderr:
        found = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
        if found:
            threading.Thread(target=lambda: [None for _ in serve.stderr], daemon=True).start()
            return serve, int(found.group(1))
    sys.exit("ontop serve did not start")


def wait_for_fleet(port, clusters):
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", "/metrics", headers={"Authorization": AUTH})
            body = conn.getresponse().read().decode()
            up = len(re.findall(r"^ontop_cluster_up\{.*\} 1(\.0)?$", body, re.M))
            if up == clusters:
                return len(body)
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(1)
    sys.exit("the fleet did not come up in /metrics")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ontop", default="target/release/ontop")
    parser.add_argument("--clusters", type=int, default=100)
    parser.add_argument("--pad-labels", type=int, default=4)
    parser.add_argument("--attackers", type=int, default=300)
    parser.add_argument("--spread", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    ontop = os.path.abspath(args.ontop)
    work = tempfile.mkdtemp(prefix="ontop-attack-")
    sim, config = start_fleet(ontop, work, args.clusters, args.pad_labels)
    serve = None
    try:
        serve, port = start_serve(ontop, work, config)
        size = wait_for_fleet(port, args.clusters)
        print(f"{ontop}: {args.clusters} clusters, /metrics {size / 1e6:.1f} MB")
        sampler = Sampler(serve.pid)
        sampler.start()
        scraper = Scraper(port, sampler)
        scraper.start()
        time.sleep(10)
        sampler.phase = "attack"
        attack = Attack(port, args.attackers, args.spread)
        attack.start()
        time.sleep(args.seconds)
        attack.stop = True
        attack.join()
        sampler.phase = "after"
        time.sleep(15)
        scraper.stop = sampler.stop = True
        scraper.join()
        print(f"attack: {args.attackers} connections from {args.spread} address(es), "
              f"{args.seconds} s, {attack.reopened} reopened after the server dropped them")
        for phase in ["idle", "attack", "after"]:
            failed = scraper.failed.get(phase, 0)
            print(f"  {phase:>6}: healthy scrape {summary(scraper.took.get(phase, []))}, "
                  f"{failed} failed; serve peak RSS {sampler.peaks.get(phase, 0) / 1024:.0f} MiB")
        idle = sampler.peaks.get("idle", 1)
        worst = max(sampler.peaks.get("attack", 0), sampler.peaks.get("after", 0))
        print(f"  peak RSS during/after vs idle: {worst / idle:.2f}x")
        # Never-readers only: the clients a stop must not wait for.
        attack = Attack(port, args.attackers, args.spread, kinds=("never-read",))
        attack.start()
        time.sleep(5)
        asked = time.monotonic()
        serve.send_signal(signal.SIGTERM)
        what = f"SIGTERM while {args.attackers} never-readers of /metrics are connected"
        try:
            serve.wait(timeout=60)
            print(f"  {what}: stopped after {time.monotonic() - asked:.1f} s "
                  f"(exit {serve.returncode})")
        except subprocess.TimeoutExpired:
            print(f"  {what}: still running after 60 s")
        attack.stop = True
        attack.join()
    finally:
        if serve and serve.poll() is None:
            serve.kill()
        sim.terminate()
        sim.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
