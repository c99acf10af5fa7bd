#!/usr/bin/env python3
"""What `ontop status` does, with the vendor's Python client (netapp-ontap): for every
cluster of an ontop config, GET /api/cluster (name, uuid, version) and
GET /api/cluster/software/download, then print one line per cluster.

The benchmark (scripts/bench-fleet.sh) times it beside `ontop status` against the same
simulated fleet: --threads N runs N clusters at a time (a thread pool, as a careful
script would), --threads 1 one after the other, --sample K only the first K clusters.

Usage: python3 scripts/python_sweep.py --config FLEET.toml [--threads 32] [--sample K]
Needs: pip install netapp-ontap (Python 3.11+ for tomllib).
"""

import argparse
import concurrent.futures
import os
import sys
import tomllib
from urllib.parse import urlsplit

from netapp_ontap import HostConnection, config as ontap_config
from netapp_ontap.resources import Cluster, SoftwarePackageDownload


# requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's `verify` (how
# HostConnection passes the CA file): a machine-wide bundle would hide the fleet's CA.
for _var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(_var, None)


def clusters(path):
    with open(path, "rb") as f:
        conf = tomllib.load(f)
    defaults = conf.get("defaults", {})
    base = os.path.dirname(os.path.abspath(path))
    for c in conf["cluster"]:
        url = urlsplit(c["url"])
        ca_file = c.get("ca_file", defaults.get("ca_file"))
        yield {
            "name": c["name"],
            "host": url.hostname,
            "port": url.port,
            "scheme": url.scheme,
            "username": c.get("username", defaults.get("username", "admin")),
            "password": c.get("password", defaults.get("password")),
            # Paths in an ontop config are relative to the config file, as ontop reads them.
            "verify": os.path.join(base, ca_file) if url.scheme == "https" and ca_file else False,
        }


def sweep_one(t):
    try:
        with HostConnection(
            t["host"],
            port=t["port"],
            username=t["username"],
            password=t["password"],
            verify=t["verify"],
            scheme=t["scheme"],
        ):
            cluster = Cluster()
            cluster.get(fields="name,uuid,version")
            download = SoftwarePackageDownload()
            download.get()
            return f"{t['name']}  {cluster.version.full}  {download.state}"
    except Exception as e:  # a cluster that fails is a line, not the end of the sweep
        return f"{t['name']}  error: {e}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--sample", type=int, default=0)
    args = parser.parse_args()
    ontap_config.RAISE_API_ERRORS = True
    targets = list(clusters(args.config))
    if args.sample:
        targets = targets[: args.sample]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.threads)) as pool:
        lines = list(pool.map(sweep_one, targets))
    for line in lines:
        print(line)
    failed = sum(1 for line in lines if "error:" in line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
