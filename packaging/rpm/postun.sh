# After removal or upgrade: systemd rereads its units. The user, /etc/ontop and
# /var/lib/ontop (the audit log) stay: they are the operator's records.
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || true
fi
exit 0
