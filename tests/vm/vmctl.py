#!/usr/bin/python3
"""Talks to a test VM: QEMU's monitor (QMP) and the guest agent (QGA), both JSON over a
UNIX socket. Python standard library only. Called by tests/vm/lib.sh, one command a call:

  vmctl.py qmp SOCK COMMAND [ARGS_JSON]       print the "return" value as JSON
  vmctl.py hmp SOCK TEXT                      human monitor command, print its output
  vmctl.py qga-wait SOCK SECONDS              until the guest agent answers
  vmctl.py exec SOCK SECONDS [--stdin] CMD    run `sh -c CMD` in the guest: its stdout, its
                                              stderr, its exit status (124: timed out)
  vmctl.py push SOCK LOCAL REMOTE [MODE]      copy a host file into the guest
  vmctl.py console SOCK SECONDS SEND EXPECT   type SEND on the serial console (\\n, \\r
                                              escapes), print what it shows until the
                                              regular expression EXPECT matches (1: timeout)
  vmctl.py free-port                          a free TCP port on 127.0.0.1
"""
import base64
import json
import os
import random
import re
import socket
import sys
import time


class AgentError(Exception):
    pass


class Channel:
    """One JSON stream over a UNIX socket, read a line at a time."""

    def __init__(self, path, timeout):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""

    def send(self, obj, prefix=b""):
        self.sock.sendall(prefix + json.dumps(obj).encode() + b"\n")

    def recv(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AgentError("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        # guest-sync-delimited puts 0xFF before its answer; stale bytes may precede it
        line = line.rsplit(b"\xff", 1)[-1].strip()
        if not line:
            return self.recv()
        try:
            return json.loads(line)
        except ValueError:
            return {}

    def close(self):
        self.sock.close()


# ---- QMP ------------------------------------------------------------------------------------
def qmp(path, command, args=None, timeout=30):
    ch = Channel(path, timeout)
    try:
        ch.recv()  # greeting
        for cmd, a in (("qmp_capabilities", None), (command, args)):
            msg = {"execute": cmd}
            if a:
                msg["arguments"] = a
            ch.send(msg)
            while True:
                r = ch.recv()
                if "error" in r:
                    raise AgentError("%s: %s" % (cmd, r["error"].get("desc", r["error"])))
                if "return" in r:
                    break
        return r["return"]
    finally:
        ch.close()


# ---- guest agent ----------------------------------------------------------------------------
class Agent:
    """A synced connection to qemu-ga. The virtio port keeps bytes across connections, so
    every session starts with 0xFF (resets the agent's parser) and a guest-sync with a fresh
    id; older answers still in the pipe are skipped."""

    def __init__(self, path, timeout=5):
        self.ch = Channel(path, timeout)
        sync_id = random.randint(1, 2**31)
        self.ch.send({"execute": "guest-sync-delimited", "arguments": {"id": sync_id}},
                     prefix=b"\xff")
        while self.ch.recv().get("return") != sync_id:
            pass

    def call(self, command, args=None):
        msg = {"execute": command}
        if args is not None:
            msg["arguments"] = args
        self.ch.send(msg)
        while True:
            r = self.ch.recv()
            if "error" in r:
                raise AgentError("%s: %s" % (command, r["error"].get("desc", r["error"])))
            if "return" in r:
                return r["return"]

    def close(self):
        self.ch.close()


def orphaned(parent=os.getppid()):
    """The test shell is gone (killed without running its traps): stop waiting for a VM
    that its watchdog is taking down."""
    return os.getppid() != parent


def qga_wait(path, seconds):
    """Until the agent answers a guest-sync. One connection is kept while QEMU lives and a
    new sync is sent on it every few seconds, any of them answered will do: a booting guest
    may take longer than one try to answer (qemu-ga starting, CPUs busy with udev), and a
    new connection for every try would throw that answer away each time, for ever on a
    slow enough host. Each try is logged on stderr, seconds since the start."""
    t0 = time.monotonic()
    deadline = t0 + seconds
    note = lambda what: sys.stderr.write("qga-wait %6.1fs %s\n" % (time.monotonic() - t0, what))
    while not orphaned() and time.monotonic() < deadline:
        try:
            ch = Channel(path, 1)
        except OSError:
            time.sleep(1)
            continue
        try:
            if sync_until(ch, deadline, note):
                return 0
        except (OSError, AgentError) as e:
            note("connection lost: %s" % e)
            time.sleep(1)
        finally:
            ch.close()
    note("no answer")
    return 1


def sync_until(ch, deadline, note, every=5):
    """Send a guest-sync every EVERY seconds on CH; true when one of them is answered."""
    sent, next_send = {}, 0
    while not orphaned() and time.monotonic() < deadline:
        if time.monotonic() >= next_send:
            sync_id = random.randint(1, 2**31)
            sent[sync_id] = (len(sent) + 1, time.monotonic())
            ch.send({"execute": "guest-sync-delimited", "arguments": {"id": sync_id}},
                    prefix=b"\xff")
            next_send = time.monotonic() + every
        try:
            answer = ch.recv().get("return")
        except socket.timeout:
            continue
        if answer in sent:
            n, t = sent[answer]
            note("sync %d of %d answered, %.1fs after it was sent" %
                 (n, len(sent), time.monotonic() - t))
            return True
    return False


def guest_exec(path, seconds, cmd, stdin_data=None):
    ag = Agent(path, timeout=max(10, seconds))
    try:
        args = {"path": "/bin/sh", "arg": ["-c", cmd], "capture-output": True}
        if stdin_data is not None:
            args["input-data"] = base64.b64encode(stdin_data).decode()
        pid = ag.call("guest-exec", args)["pid"]
        deadline = time.monotonic() + seconds
        delay = 0.05
        while True:
            st = ag.call("guest-exec-status", {"pid": pid})
            if st.get("exited"):
                break
            if time.monotonic() > deadline or orphaned():
                sys.stderr.write("vmctl: guest command timed out after %ss: %s\n" % (seconds, cmd))
                return 124
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
    finally:
        ag.close()
    for key, stream in (("out-data", sys.stdout.buffer), ("err-data", sys.stderr.buffer)):
        if key in st:
            stream.write(base64.b64decode(st[key]))
            stream.flush()
    if "signal" in st:
        return 128 + st["signal"]
    return st.get("exitcode", 125)


def push(path, local, remote, mode=None):
    ag = Agent(path, timeout=30)
    try:
        h = ag.call("guest-file-open", {"path": remote, "mode": "wb"})
        with open(local, "rb") as f:
            while True:
                chunk = f.read(48 * 1024)
                if not chunk:
                    break
                ag.call("guest-file-write", {"handle": h, "buf-b64": base64.b64encode(chunk).decode()})
        ag.call("guest-file-close", {"handle": h})
        if mode:
            ag.call("guest-exec", {"path": "/bin/chmod", "arg": [mode, remote]})
    finally:
        ag.close()
    return 0


def console(path, seconds, send, expect):
    """The serial console as a user at the terminal sees it: what was typed, what came back."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    try:
        if send:
            sock.sendall(send.encode().decode("unicode_escape").encode("latin-1"))
        pattern = re.compile(expect.encode())
        seen = b""
        deadline = time.monotonic() + seconds
        while not pattern.search(seen):
            left = deadline - time.monotonic()
            if left <= 0:
                sys.stdout.buffer.write(seen)
                return 1
            sock.settimeout(left)
            try:
                chunk = sock.recv(4096)
            except socket.timeout:
                continue
            if not chunk:
                break
            seen += chunk
        sys.stdout.buffer.write(seen)
        return 0 if pattern.search(seen) else 1
    finally:
        sock.close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    print(port)
    return 0


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    op = argv[1]
    try:
        if op == "qmp":
            args = json.loads(argv[4]) if len(argv) > 4 else None
            print(json.dumps(qmp(argv[2], argv[3], args)))
            return 0
        if op == "hmp":
            out = qmp(argv[2], "human-monitor-command", {"command-line": argv[3]})
            sys.stdout.write(out)
            return 0
        if op == "qga-wait":
            return qga_wait(argv[2], float(argv[3]))
        if op == "exec":
            if argv[4] == "--stdin":
                return guest_exec(argv[2], float(argv[3]), argv[5], sys.stdin.buffer.read())
            return guest_exec(argv[2], float(argv[3]), argv[4])
        if op == "push":
            return push(argv[2], argv[3], argv[4], argv[5] if len(argv) > 5 else None)
        if op == "console":
            return console(argv[2], float(argv[3]), argv[4], argv[5])
        if op == "free-port":
            return free_port()
    except (OSError, AgentError) as e:
        sys.stderr.write("vmctl %s: %s\n" % (op, e))
        return 125
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
