#!/bin/sh
# The journal rotated by the shipped logrotate configuration right after events were written:
# imfile reads the renamed file to its end, finds the new one, and every event reaches the
# collector. Each rotation waits until the previous file has been read: two rotations within
# moments (before imfile has noticed the new file) lose the lines of the file in between,
# which the shipped monthly rotation never does.
set -u
. tests/syslog/lib.sh
LOGROTATE=$(command -v logrotate || echo /usr/sbin/logrotate)
[ -x "$LOGROTATE" ] || { echo "skip: logrotate not installed"; exit 77; }

sed -e "s|/var/log/mamori/events.log|$T/log/events.log|" \
    -e "s|create 0640 root adm|create 0640 $(id -un) $(id -gn)|" conf/logrotate.mamori >"$T/logrotate.conf"

PORT=$(free_port)
start_collector coll "$PORT" collector || { echo "not ok - collector starts"; exit 1; }
start_terminal "$PORT" || { echo "not ok - terminal rsyslogd starts"; exit 1; }
rotations=0
for i in 1 2 3 4 5; do
	wait_until 60 has_events $(( (i - 1) * 40 ))
	emit 40 "rot$i"
	"$LOGROTATE" -f -s "$T/logrotate.state" "$T/logrotate.conf" && rotations=$((rotations + 1))
done
emit 10 last
[ $rotations -eq 5 ] && echo "ok - the journal was rotated 5 times while events were written" ||
	echo "not ok - only $rotations rotations"
expect_all 210 60 "every event reaches the collector across 5 rotations"
stop term
stop coll
