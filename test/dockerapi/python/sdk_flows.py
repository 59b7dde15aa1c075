"""The Docker SDK for Python (7.1) against a served VCH.

Usage: python3 sdk_flows.py BASE_URL
Runs every flow below with docker.DockerClient(base_url=BASE_URL) and prints one JSON object:
{flow name: what the flow observed} — or {"error": "<type>: <message>"} for a flow that raised.
The vitest side (clients-python.test.ts) asserts on these observations; this script asserts nothing.
"""
import json
import sys
import traceback

import docker
import docker.errors


def decode(data):
    return data.decode("utf-8", "replace") if isinstance(data, (bytes, bytearray)) else data


def run_foreground(client, **options):
    """containers.run without detach: the SDK creates, starts, follows the logs when HostConfig.LogConfig.Type
    (from inspect) is json-file or journald, waits, and raises ContainerError with the stderr logs on failure."""
    out = client.containers.run("busybox", "echo hi", **options)
    stderr_only = client.containers.run("busybox", ["sh", "-c", "echo to-err >&2"], stdout=False, stderr=True, **options)
    try:
        client.containers.run("busybox", ["sh", "-c", "echo failing >&2; exit 3"], **options)
        failure = None
    except docker.errors.ContainerError as e:
        failure = {"exit_status": e.exit_status, "stderr": decode(e.stderr)}
    removed = client.containers.run("busybox", "echo gone", remove=True, name="py-removed", **options)
    left = [c.name for c in client.containers.list(all=True, filters={"name": "py-removed"})]
    return {"type": type(out).__name__, "stdout": decode(out), "stderr_only": decode(stderr_only), "failure": failure,
            "removed_output": decode(removed), "left_after_remove": left}


def run_foreground_json_file(client):
    """The same with the log driver named in the create request, as `log_config` sends it."""
    return run_foreground(client, log_config=docker.types.LogConfig(type="json-file"))


def detached_busybox(client):
    c = client.containers.run("busybox", ["sh", "-c", "echo a; echo b >&2"], detach=True, name="py-detached")
    status = c.wait()
    c.reload()
    result = {"wait": status, "status": c.status, "logs": decode(c.logs()),
              "stdout_logs": decode(c.logs(stderr=False)), "short_id": c.short_id, "id": c.id}
    c.remove()
    return result


def detached_service(client):
    c = client.containers.run("redis", detach=True, name="py-service")
    c.reload()
    running = c.status
    plain = c.exec_run(["sh", "-c", "echo from-exec; exit 3"])
    demuxed = c.exec_run(["sh", "-c", "echo o; echo e >&2"], demux=True)
    env = c.exec_run("printenv GREETING", environment={"GREETING": "hello"})
    c.stop(timeout=1)
    c.reload()
    stopped = {"status": c.status, "exit_code": c.attrs["State"]["ExitCode"]}
    c.remove()
    try:
        client.containers.get("py-service")
        gone = False
    except docker.errors.NotFound:
        gone = True
    return {"running": running, "exec": [plain.exit_code, decode(plain.output)],
            "demux": [decode(demuxed.output[0]), decode(demuxed.output[1])], "env": decode(env.output),
            "stopped": stopped, "gone_after_remove": gone}


def images(client):
    pulled = client.images.pull("busybox", tag="latest")
    got = client.images.get("busybox")
    listed = [t for i in client.images.list() for t in i.tags]
    pulled_alpine = client.images.pull("alpine")
    return {"pulled_tags": pulled.tags, "same_id": pulled.id == got.id, "id": got.id, "listed": sorted(listed),
            "alpine": pulled_alpine.tags if hasattr(pulled_alpine, "tags") else [i.tags for i in pulled_alpine]}


def networks(client):
    net = client.networks.create("py-net", driver="bridge", labels={"by": "python"})
    c = client.containers.run("redis", detach=True, name="py-net-member")
    net.connect(c, aliases=["cache"])
    net.reload()
    members = [m.name for m in net.containers]
    c.reload()
    attached = sorted(c.attrs["NetworkSettings"]["Networks"].keys())
    net.disconnect(c)
    net.reload()
    after = [m.name for m in net.containers]
    c.remove(force=True)
    listed = [n.name for n in client.networks.list(names=["py-net"])]
    net.remove()
    try:
        client.networks.get("py-net")
        gone = False
    except docker.errors.NotFound as e:
        gone = e.status_code
    return {"labels": net.attrs["Labels"], "members": members, "attached": attached, "after_disconnect": after,
            "listed": listed, "get_after_remove": gone}


def caught(fn):
    try:
        fn()
    except docker.errors.APIError as e:
        return {"type": type(e).__name__, "status": e.status_code, "explanation": decode(e.explanation),
                "is_not_found": isinstance(e, docker.errors.NotFound)}
    except docker.errors.DockerException as e:
        return {"type": type(e).__name__, "message": str(e)}
    return None


def errors(client):
    created = client.containers.create("busybox", "true", name="py-dup")
    result = {
        "missing_container": caught(lambda: client.containers.get("py-no-such")),
        "missing_image": caught(lambda: client.images.get("py-no-such-image")),
        "missing_network": caught(lambda: client.networks.get("py-no-such-net")),
        "name_conflict": caught(lambda: client.containers.create("busybox", name="py-dup")),
        "kill_stopped": caught(lambda: created.kill()),
        "bad_wait_condition": caught(lambda: client.api.wait(created.id, condition="bogus")),
    }
    created.remove()
    return result


def system(client):
    version = client.version()
    info = client.info()
    return {"ping": client.ping(), "api_version": version["ApiVersion"], "min_api": version["MinAPIVersion"],
            "os": version["Os"], "info_os_type": info.get("OSType"), "negotiated": client.api.api_version}


FLOWS = [run_foreground, run_foreground_json_file, detached_busybox, detached_service, images, networks, errors, system]


def main(base_url):
    client = docker.DockerClient(base_url=base_url, version="auto", timeout=30)
    report = {}
    for flow in FLOWS:
        try:
            report[flow.__name__] = flow(client)
        except Exception as e:  # report any failure to the test, which names it
            report[flow.__name__] = {"error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()}
    client.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1])
