#!/usr/bin/env python3
"""Time from exec to the dashboard's first frame when every cluster hangs.

    python3 scripts/first_frame.py [CLUSTERS] [RUNS]        (default 1000 5)

A listener on 0.0.0.0:47000 accepts TCP (through its backlog) and never answers, and a
config points CLUSTERS clusters at it on 127.0.x.y (all loopback). The release binary
runs in a pseudo-terminal of 120x40; the time is until the header's cluster count is
drawn. Prints each run and the median. It measures; it asserts nothing.
"""
import fcntl, os, pty, select, signal, socket, statistics, struct, sys, tempfile, termios, time

BIN = os.path.join(os.path.dirname(__file__), "..", "target", "release", "ontop")


def config(path, clusters, port):
    lines = ['[defaults]', 'username = "admin"', 'password = "x"', 'insecure = true', '']
    for i in range(clusters):
        lines += ['[[cluster]]', f'name = "hung-{i + 1}"',
                  f'url = "https://127.0.{1 + i // 250}.{1 + i % 250}:{port}"', '']
    with open(path, "w") as f:
        f.write("\n".join(lines))


def once(argv, env, clusters):
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen = b""
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 10)
            if not ready:
                return None
            seen += os.read(fd, 65536)
            if b"clusters" in seen and str(clusters).encode() in seen:
                return time.monotonic() - start
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


def main():
    clusters = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", 0))
    listener.listen(4096)
    port = listener.getsockname()[1]
    work = tempfile.mkdtemp()
    path = os.path.join(work, "hung.toml")
    config(path, clusters, port)
    env = dict(os.environ, XDG_DATA_HOME=os.path.join(work, "data"), TERM="xterm-256color")
    times = [once([BIN, "--config", path], env, clusters) for _ in range(runs)]
    shown = ["none" if t is None else f"{t * 1000:.0f}" for t in times]
    done = [t for t in times if t is not None]
    median = f"{statistics.median(done) * 1000:.0f} ms" if done else "no frame"
    print(f"first frame, {clusters} hung clusters, ms: {' '.join(shown)}; median {median}")


if __name__ == "__main__":
    main()
