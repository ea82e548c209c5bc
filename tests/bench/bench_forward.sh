#!/bin/sh
# Forwarding through a real rsyslogd pair on loopback with the shipped configurations (RELP,
# TLS, name checks, disk queue, one connection per message): the median latency from an
# event written to the durable journal (its own time= field) to its line in the collector's
# file, over 20 single events 0.3 s apart, and the rate at which a burst of 500 events
# reaches the collector.
#   tests/bench/bench_forward.sh BUILD_DIR
set -u
BUILD=${1:?usage: bench_forward.sh BUILD_DIR}
. tests/syslog/lib.sh

PORT=$(free_port)
start_collector coll "$PORT" collector >/dev/null || { echo "bench_forward: collector did not start"; exit 1; }
start_terminal "$PORT" >/dev/null || { echo "bench_forward: terminal rsyslogd did not start"; exit 1; }
python3 - "$EMIT" "$T" <<'PY'
import datetime, glob, statistics, subprocess, sys, time

emit, T = sys.argv[1], sys.argv[2]
seen = {}      # seq -> wall clock time the line was first seen at the collector
offsets = {}

def scan():
    for f in glob.glob(T + "/central/*.log"):
        with open(f, "rb") as fh:
            fh.seek(offsets.get(f, 0))
            data = fh.read()
            cut = data.rfind(b"\n") + 1
            offsets[f] = offsets.get(f, 0) + cut
            now = time.time()
            for line in data[:cut].split(b"\n"):
                i = line.find(b" seq=")
                if i >= 0:
                    seen.setdefault(int(line[i + 5:].split(b" ")[0]), now)

def event_times():
    out = {}
    for line in open(T + "/log/events.log", "rb"):
        i, j = line.find(b" seq="), line.find(b" time=")
        t = line[j + 6:].split(b" ")[0].decode()
        out[int(line[i + 5:].split(b" ")[0])] = datetime.datetime.fromisoformat(t).timestamp()
    return out

def run(n, tag):
    subprocess.run([emit, T + "/state", T + "/log/events.log", T + "/spool", str(n), tag],
                   check=True, stdout=subprocess.DEVNULL)

def wait_for(total, limit):
    end = time.time() + limit
    while len(seen) < total and time.time() < end:
        scan()
        time.sleep(0.002)
    return len(seen) >= total

for k in range(20):
    run(1, "lat%d" % k)
    if not wait_for(k + 1, 60):
        sys.exit("bench_forward: event %d did not arrive" % (k + 1))
    time.sleep(0.3)
times = event_times()
lat = [(seen[s] - times[s]) * 1000 for s in range(1, 21)]
print("bench_forward: emission to collector file, median %.0f ms (min %.0f, max %.0f; 20 events, RELP/TLS, rsyslog %s)"
      % (statistics.median(lat), min(lat), max(lat), "8.2302"))
run(500, "burst")
if not wait_for(520, 600):
    sys.exit("bench_forward: the burst did not arrive: %d of 520" % len(seen))
times = event_times()
first, last = times[21], max(seen[s] for s in range(21, 521))
print("bench_forward: burst of 500 events: %.1f events/s (%.1f s from the first written to the last at the collector)"
      % (500 / (last - first), last - first))
PY
rc=$?
stop term
stop coll
exit $rc
