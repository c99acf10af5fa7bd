# Before the package goes away ($1 = 0; not on an upgrade): stop the service if it runs.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
    systemctl stop ontop-serve.service >/dev/null 2>&1 || true
fi
exit 0
