#!/usr/bin/env python3
"""Fidelity check: the vendor's own Python client against the ontop simulator.

Runs the examples from the docstrings of netapp_ontap's
resources/software_package_download.py and resources/job.py (plus SoftwarePackage's
get_collection, get and delete, Software's upload, and Software's validation:
patch(validate_only=True) and get) against a running simulator, unchanged except for
host, port, credentials, certificate verification and the version validated. Exits
non-zero on the
first thing that does not behave as on a real cluster.

Usage, against a simulator that wrote its config with --write-config:
    python3 scripts/python_fidelity.py --config /tmp/sim.toml

Or let the script start one and stop it (SIGINT) afterwards:
    python3 scripts/python_fidelity.py --launch "cargo run -q -- sim" \
        --config /tmp/sim.toml
    (the command gets "--write-config CONFIG" appended; "ontop sim" works too)

Or give the connection by hand: --host, --port, --password, --ca (or --http),
--package-url.

Needs: pip install netapp-ontap (Python 3.11+ for tomllib).
"""

import argparse
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from urllib.parse import urlsplit

from netapp_ontap import HostConnection, config as ontap_config
from netapp_ontap.error import NetAppRestError
from netapp_ontap.resources import Job, Software, SoftwarePackage, SoftwarePackageDownload


# requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's `verify`
# (which is how HostConnection passes the CA file), so a machine-wide bundle in
# the environment would hide the simulator's CA. Drop them for this process.
for _var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(_var, None)


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    print(f"ok: {msg}")


def target_from_config(path, cluster):
    with open(path, "rb") as f:
        conf = tomllib.load(f)
    clusters = conf["cluster"]
    chosen = next((c for c in clusters if c["name"] == cluster), None) if cluster else clusters[0]
    if chosen is None:
        fail(f"no cluster named {cluster} in {path}")
    url = urlsplit(chosen["url"])
    d = conf["defaults"]
    return {
        "name": chosen["name"],
        "host": url.hostname,
        "port": url.port,
        "scheme": url.scheme,
        "username": d.get("username", "admin"),
        "password": d["password"],
        "verify": d.get("ca_file", False) if url.scheme == "https" else False,
        "package_url": conf["download"]["url"],
    }


def connection(t):
    # The vendor example: HostConnection("<mgmt-ip>", username=..., password=..., verify=...),
    # here with the simulator's port, its CA file as `verify`, and its scheme.
    return HostConnection(
        t["host"],
        port=t["port"],
        username=t["username"],
        password=t["password"],
        verify=t["verify"],
        scheme=t["scheme"],
    )


def run_examples(t):
    ontap_config.RAISE_API_ERRORS = True
    package_url = t["package_url"]
    with connection(t):
        # Example 0 of software_package_download.py: start a download, poll its job, hydrate.
        resource = SoftwarePackageDownload()
        resource.url = package_url
        resource.username = "admin"
        resource.password = "*********"
        resource.post(hydrate=True, return_timeout=0)
        print(resource)
        check(resource.state == "success", "POST download + job poll + hydrate ends in success")

        # Example 1: the job, by uuid (found through the jobs collection).
        jobs = list(Job.get_collection())
        check(len(jobs) >= 1, "GET /cluster/jobs lists the download job")
        resource = Job(uuid=jobs[-1].uuid)
        resource.get()
        print(resource)
        check(resource.state == "success", "Job(uuid).get() state is success")
        check(resource.code == 0, "Job(uuid).get() code is 0")
        check(resource.description == "POST /api/cluster/software/download", "job description")

        # Example 2: the download status singleton.
        resource = SoftwarePackageDownload()
        resource.get()
        print(resource)
        check(resource.state == "success", "SoftwarePackageDownload().get() state is success")

        # software_package.py examples: the package repository.
        packages = list(SoftwarePackage.get_collection(return_timeout=15))
        print(packages)
        versions = [p.version for p in packages]
        check(len(versions) >= 1, f"SoftwarePackage.get_collection lists the package {versions}")
        resource = SoftwarePackage(version=versions[-1])
        resource.get()
        print(resource)
        check(resource.version == versions[-1], "SoftwarePackage(version).get()")

        validate_examples(versions[-1])

        # The same file again: ONTAP refuses it (Ansible matches this message).
        try:
            again = SoftwarePackageDownload()
            again.url = package_url
            again.post(hydrate=True, return_timeout=0)
            fail("a second download of the same file was accepted")
        except NetAppRestError as e:
            check("same name already exists" in str(e), f"same file twice is refused: {e}")

        # A URL the cluster cannot fetch: the job fails and the client says why.
        missing = package_url.replace("/images/", "/missing/").replace(
            os.path.basename(urlsplit(package_url).path), "ontap-9.99.9-image.tgz"
        )
        try:
            bad = SoftwarePackageDownload()
            bad.url = missing
            bad.post(hydrate=True, return_timeout=0)
            fail("a download of a missing URL succeeded")
        except NetAppRestError as e:
            check("invalid url" in str(e).lower(), f"missing URL fails the job: {e}")
        status = SoftwarePackageDownload()
        status.get(fields="state,message,code")
        check(status.state == "failure" and status.code == 10551885, "status shows 10551885")

        # The vendor's SoftwarePackage delete example: the DELETE answers with a job,
        # which the client follows to its end; then the package is gone.
        gone = versions[-1]
        SoftwarePackage(version=gone).delete()
        remaining = [p.version for p in SoftwarePackage.get_collection()]
        check(gone not in remaining, f"SoftwarePackage({gone}).delete() removes it: {remaining}")
        resource = Job(uuid=list(Job.get_collection())[-1].uuid)
        resource.get()
        print(resource)
        check(
            resource.state == "success"
            and resource.description == f"DELETE /api/cluster/software/packages/{gone}",
            "the delete job ends in success",
        )
        try:
            SoftwarePackage(version=gone).delete()
            fail("a delete of a package that is gone was accepted")
        except NetAppRestError as e:
            check(e.http_err_response.http_response.status_code == 404, f"deleting it again: {e}")

        # Software().upload(): the image from this host, multipart/form-data with one part
        # named `file`, answered with a job the client follows to its end. The bytes follow
        # a pattern the Rust side checks by its SHA-256: i % 251 for i in 0..256 KiB.
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "ontap-9.18.1-image.tgz")
            with open(path, "wb") as f:
                f.write(bytes(i % 251 for i in range(256 * 1024)))
            response = Software().upload(file="@" + path)
            print(response)
        check(not response.is_err, "Software().upload() and its job end without an error")
        versions = [p.version for p in SoftwarePackage.get_collection()]
        check("9.18.1" in versions, f"the uploaded image is listed: {versions}")


def validate_examples(version):
    """software.py's examples: validate a package, follow the job, read the results."""
    # "Validating the package and verifying the validation results", as printed.
    resource = Software()
    resource.version = version
    resource.patch(hydrate=True, validate_only=True)
    print(resource)
    # The results can lag the job (Ansible waits up to 30 x 10 s): wait for them.
    results = getattr(resource, "validation_results", None)
    for _ in range(40):
        if results:
            break
        time.sleep(0.25)
        again = Software()
        again.get(fields="validation_results")
        results = getattr(again, "validation_results", None)
    found = [(r.update_check, r.status) for r in results or []]
    check(("Manual checks", "warning") in found, f"Software().patch(validate_only=True): {found}")
    check(all(r.issue.message and r.action.message for r in results), "each check says issue and action")

    # The job of the validation, by uuid.
    resource = Job(uuid=list(Job.get_collection())[-1].uuid)
    resource.get()
    print(resource)
    check(
        resource.state == "success" and resource.description == "PATCH /api/cluster/software",
        "the validation job ends in success",
    )

    # "Retrieving software profile information".
    resource = Software()
    resource.get(return_timeout=15)
    print(resource)
    check(resource.state == "completed", "Software().get() state is completed")
    check(len(resource.nodes) >= 1 and resource.nodes[0].version, "Software().get() lists nodes")

    # A second validation of a version the repository does not hold is refused.
    try:
        other = Software()
        other.version = "9.99.9"
        other.patch(validate_only=True)
        fail("a validation of a missing package was accepted")
    except NetAppRestError as e:
        check("10551325" in str(e) or "could not be found" in str(e), f"missing package: {e}")


def launch(command, config_path):
    if os.path.exists(config_path):
        os.remove(config_path)
    argv = shlex.split(command) + ["--write-config", config_path]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 600  # the first run may have to compile
    while not os.path.exists(config_path):
        if proc.poll() is not None:
            fail(f"simulator exited early with {proc.returncode}")
        if time.monotonic() > deadline:
            proc.kill()
            fail("simulator did not write its config in time")
        time.sleep(0.2)
    return proc


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", help="config written by the simulator's --write-config")
    ap.add_argument("--cluster", help="cluster name from the config (default: the first)")
    ap.add_argument("--launch", help="command that starts the simulator (gets --write-config CONFIG)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int)
    ap.add_argument("--username", default="admin")
    ap.add_argument("--password")
    ap.add_argument("--ca", help="CA file to verify the cluster with")
    ap.add_argument("--http", action="store_true")
    ap.add_argument("--package-url")
    args = ap.parse_args()

    proc = None
    if args.launch:
        if not args.config:
            fail("--launch needs --config (where the simulator writes it)")
        proc = launch(args.launch, args.config)
    try:
        if args.config:
            t = target_from_config(args.config, args.cluster)
        else:
            if not (args.port and args.password and args.package_url):
                fail("give --config, or --port, --password and --package-url")
            t = {
                "name": args.host,
                "host": args.host,
                "port": args.port,
                "scheme": "http" if args.http else "https",
                "username": args.username,
                "password": args.password,
                "verify": False if args.http else (args.ca or True),
                "package_url": args.package_url,
            }
        print(f"checking {t['name']} at {t['scheme']}://{t['host']}:{t['port']}")
        run_examples(t)
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGINT)
            try:
                code = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                fail("simulator did not stop on SIGINT")
            if code != 0:
                fail(f"simulator exited with {code} after SIGINT")
            print("ok: simulator stopped cleanly on SIGINT")
    print("PASS: the vendor's Python client works against the simulator")


if __name__ == "__main__":
    main()
