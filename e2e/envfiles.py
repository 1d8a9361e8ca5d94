"""Files the local environment writes before it starts anything: the PKI (openssl), the
kubeconfig, the API server's audit policy and KWOK's stages."""
import base64
import json
import os
import re
import subprocess

FAILURE_LABEL = "pod-container-running-failed.stage.kwok.x-k8s.io"


class EnvFileError(Exception):
    """A problem worth one clear line to the user."""


def make_pki(env):
    pki = env.path("pki")
    os.makedirs(pki, exist_ok=True)

    def ssl_cmd(*args):
        res = subprocess.run([env.tools["openssl"], *args], cwd=pki, capture_output=True, text=True)
        if res.returncode != 0:
            raise EnvFileError(f"openssl {args[0]} failed: {res.stderr.strip()}")

    ssl_cmd("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "ca.key", "-out", "ca.crt", "-days", "3650", "-subj", "/CN=serin-e2e-ca")
    with open(os.path.join(pki, "server.ext"), "w", encoding="utf-8") as f:
        f.write("subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,"
                "DNS:kubernetes.default,DNS:kubernetes.default.svc,"
                "DNS:kubernetes.default.svc.cluster.local\n"
                "extendedKeyUsage=serverAuth\n")
    with open(os.path.join(pki, "client.ext"), "w", encoding="utf-8") as f:
        f.write("extendedKeyUsage=clientAuth\n")
    for name, subj, ext in (("apiserver", "/CN=kube-apiserver", "server.ext"),
                            ("admin", "/O=system:masters/CN=admin", "client.ext")):
        ssl_cmd("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", subj)
        ssl_cmd("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", f"{name}.crt", "-days", "3650", "-extfile", ext)
    ssl_cmd("genrsa", "-out", "sa.key", "2048")
    ssl_cmd("rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub")

def write_kubeconfig(env):
    def b64(name):
        with open(env.path("pki", name), "rb") as f:
            return base64.b64encode(f.read()).decode()

    cfg = {
        "apiVersion": "v1", "kind": "Config", "current-context": "serin-e2e",
        "clusters": [{"name": "serin-e2e", "cluster": {
            "server": env.server, "certificate-authority-data": b64("ca.crt")}}],
        "users": [{"name": "admin", "user": {
            "client-certificate-data": b64("admin.crt"), "client-key-data": b64("admin.key")}}],
        "contexts": [{"name": "serin-e2e", "context": {"cluster": "serin-e2e", "user": "admin"}}],
    }
    with open(env.kubeconfig, "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=1)
    os.chmod(env.kubeconfig, 0o600)

def write_audit_policy(env):
    # Reads are not logged; every write is, at Metadata level, so tests can count writes
    # by user agent.
    with open(env.path("audit-policy.yaml"), "w", encoding="utf-8") as f:
        f.write("apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\n"
                "rules:\n- level: None\n  verbs: [get, list, watch]\n- level: Metadata\n")

def write_kwok_stages(env):
    """KWOK's own stages, with one change: a pod labelled for the failure stage never
    becomes Ready. The module's pod-ready stage is limited to unlabelled pods, and a copy
    of it moves labelled pods to Running with Ready=False, where the chaos stage fails
    them (then their ReplicaSet replaces them: a crash loop)."""
    with open(env.tools["kwok-stages"], encoding="utf-8") as f:
        docs = re.split(r"(?m)^---\s*$", f.read())
    out = []
    for doc in docs:
        if not re.search(r"(?m)^  name: pod-ready\s*$", doc):
            out.append(doc)
            continue
        anchor = "    matchExpressions:\n"
        if anchor not in doc:
            raise EnvFileError("KWOK pod-ready stage has no matchExpressions; stage format changed")
        ready = doc.replace(anchor, anchor + f"    - key: '.metadata.labels[\"{FAILURE_LABEL}\"]'\n"
                            "      operator: 'DoesNotExist'\n", 1)
        unready = doc.replace(anchor, anchor + f"    - key: '.metadata.labels[\"{FAILURE_LABEL}\"]'\n"
                              "      operator: 'In'\n      values:\n      - 'true'\n", 1)
        unready = re.sub(r"(?m)^  name: pod-ready\s*$", "  name: pod-start-unready", unready)
        count = 0
        for cond in ("Ready", "ContainersReady"):
            unready, n = re.subn(r'status: "True"(\s+)type: ' + cond + r"\b",
                                 r'status: "False"\1type: ' + cond, unready)
            count += n
        unready, n = re.subn(r"ready: true", "ready: false", unready, count=1)
        if count != 2 or n != 1:
            raise EnvFileError("KWOK pod-ready stage template changed; cannot derive pod-start-unready")
        out.extend([ready, unready])
    with open(env.path("kwok-stages.yaml"), "w", encoding="utf-8") as f:
        f.write("\n---\n".join(d.strip("\n") for d in out) + "\n")
