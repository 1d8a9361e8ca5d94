#!/usr/bin/env python3
"""The local test environment: a real Kubernetes control plane and Prometheus on loopback.

    python3 e2e/localenv.py up   [--dir D]   start everything, print how to use it
    python3 e2e/localenv.py env  [--dir D]   print shell exports for a running environment
    python3 e2e/localenv.py down [--dir D]   stop everything that `up` started

It starts etcd, kube-apiserver (with an audit log of every write), kube-controller-manager,
kube-scheduler, KWOK (fake nodes and pods that become Ready), three fake nodes, Istio's
VirtualService and DestinationRule CRDs, the traffic fixture and Prometheus scraping it
every second. Everything listens on 127.0.0.1 on ports chosen free at start. Every PID is
recorded in D/state.json and stopped by PID on `down`, when `up` fails, and on Ctrl-C.
The binaries come from `make deps` (e2e/deps/build-tools.sh) and its cache.
"""
import argparse
import base64
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import envfiles  # noqa: E402
import kubeapi  # noqa: E402

DEFAULT_DEMO_DIR = os.path.join(os.path.dirname(HERE), ".e2e", "demo")
NODE_COUNT = 3
FAILURE_LABEL = envfiles.FAILURE_LABEL


class EnvError(Exception):
    """A problem worth one clear line to the user."""


def versions():
    result = {}
    with open(os.path.join(HERE, "deps", "versions.env"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                result[k] = v
    return result


def cache_dir():
    return os.environ.get("SERIN_CACHE", os.path.expanduser("~/.cache/serin"))


def tool_paths():
    v = versions()
    bin_dir = os.path.join(cache_dir(), "bin")
    k8s = os.path.join(bin_dir, f"kubernetes-{v['KUBERNETES_VERSION']}")
    paths = {
        "etcd": os.path.join(bin_dir, f"etcd-{v['ETCD_VERSION']}", "etcd"),
        "kube-apiserver": os.path.join(k8s, "kube-apiserver"),
        "kube-controller-manager": os.path.join(k8s, "kube-controller-manager"),
        "kube-scheduler": os.path.join(k8s, "kube-scheduler"),
        "kubectl": os.path.join(k8s, "kubectl"),
        "kwok": os.path.join(bin_dir, f"kwok-{v['KWOK_VERSION']}", "kwok"),
        "helm": os.path.join(bin_dir, f"helm-{v['HELM_VERSION']}", "helm"),
        "istio-crds": os.path.join(bin_dir, f"istio-crds-{v['ISTIO_API_VERSION']}", "istio-crds.yaml"),
        "kwok-stages": os.path.join(bin_dir, f"kwok-stages-{v['KWOK_VERSION']}", "stages.yaml"),
        "prometheus": shutil.which("prometheus") or "/usr/bin/prometheus",
        "openssl": shutil.which("openssl") or "/usr/bin/openssl",
    }
    return paths


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent():
    # Used for processes started by the test suite: if pytest dies (even by SIGKILL), the
    # kernel stops them too, so an interrupted run leaves nothing behind.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def process_start_time(pid):
    """The start time of `pid` in clock ticks since boot, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            stat = f.read()
        return int(stat[stat.rindex(")") + 2:].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def pid_alive(pid, start_time):
    st = process_start_time(pid)
    if st is None or st != start_time:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except OSError:
        return False


class LocalEnv:
    def __init__(self, state_dir, tied_to_parent=False):
        self.dir = os.path.abspath(state_dir)
        self.tied_to_parent = tied_to_parent
        self.tools = tool_paths()
        self.state = {"processes": {}, "ports": {}}
        self._popen = {}
        self._client = None

    # ---- state -------------------------------------------------------------------------
    @property
    def state_file(self):
        return os.path.join(self.dir, "state.json")

    def _save(self):
        tmp = self.state_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.state, f, indent=1)
        os.replace(tmp, self.state_file)

    @classmethod
    def load(cls, state_dir):
        env = cls(state_dir)
        if not os.path.exists(env.state_file):
            raise EnvError(f"no environment in {env.dir} (state.json missing)")
        with open(env.state_file, encoding="utf-8") as f:
            env.state = json.load(f)
        return env

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    @property
    def server(self):
        return f"https://127.0.0.1:{self.state['ports']['apiserver']}"

    @property
    def kubeconfig(self):
        return self.path("kubeconfig")

    @property
    def prometheus_url(self):
        return f"http://127.0.0.1:{self.state['ports']['prometheus']}"

    @property
    def fixture_url(self):
        return f"http://127.0.0.1:{self.state['ports']['fixture']}"

    @property
    def etcd_url(self):
        return f"http://127.0.0.1:{self.state['ports']['etcd_client']}"

    @property
    def audit_log(self):
        return self.path("logs", "audit.log")

    def client(self, user_agent="serin-e2e"):
        return kubeapi.Client(self.server, self.path("pki", "ca.crt"), self.path("pki", "admin.crt"),
                              self.path("pki", "admin.key"), user_agent)

    def kubectl(self, *args, input=None, check=True, timeout=60):
        cmd = [self.tools["kubectl"], "--kubeconfig", self.kubeconfig, *args]
        res = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=timeout)
        if check and res.returncode != 0:
            raise EnvError(f"kubectl {' '.join(args)} failed: {res.stderr.strip() or res.stdout.strip()}")
        return res

    def exports(self):
        return {
            "KUBECONFIG": self.kubeconfig,
            "SERIN_E2E_DIR": self.dir,
            "SERIN_KUBECTL": self.tools["kubectl"],
            "PROMETHEUS_URL": self.prometheus_url,
            "SERIN_FIXTURE_URL": self.fixture_url,
            "SERIN_AUDIT_LOG": self.audit_log,
        }

    # ---- processes ---------------------------------------------------------------------
    def _check_tools(self):
        missing = [n for n, p in self.tools.items() if n != "helm" and not os.path.exists(p)]
        if missing:
            raise EnvError(f"missing {', '.join(missing)} (looked in {cache_dir()}); run `make deps`")

    def start_process(self, name, argv, env=None):
        """Starts `argv` in its own process group, logging to logs/<name>.log."""
        log_path = self.path("logs", f"{name}.log")
        log = open(log_path, "ab")
        try:
            proc = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, env=env, cwd=self.dir,
                preexec_fn=_die_with_parent if self.tied_to_parent else None)
        except OSError as e:
            raise EnvError(f"cannot start {name} ({argv[0]}): {e.strerror}") from e
        finally:
            log.close()
        self._popen[name] = proc
        self.state["processes"][name] = {"pid": proc.pid, "start": process_start_time(proc.pid),
                                         "argv": argv}
        self._save()
        return proc

    def _fail_if_exited(self, name):
        info = self.state["processes"].get(name)
        proc = self._popen.get(name)
        exited = proc.poll() is not None if proc else not pid_alive(info["pid"], info["start"])
        if exited:
            tail = ""
            try:
                with open(self.path("logs", f"{name}.log"), encoding="utf-8", errors="replace") as f:
                    lines = [ln.strip() for ln in f.read().splitlines() if ln.strip()]
                tail = lines[-1][:300] if lines else ""
            except OSError:
                pass
            code = proc.returncode if proc else "?"
            raise EnvError(f"{name} exited (code {code}) while starting: {tail} "
                           f"[log: {self.path('logs', name + '.log')}]")

    def wait_ready(self, name, probe, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._fail_if_exited(name)
            try:
                if probe():
                    return
            except Exception:  # noqa: BLE001 - not ready yet
                pass
            time.sleep(0.1)
        raise EnvError(f"{name} did not become ready within {timeout}s ({what}); "
                       f"see {self.path('logs', name + '.log')}")

    def stop_process(self, name, sig=signal.SIGTERM, grace=10.0):
        info = self.state["processes"].get(name)
        if not info:
            return
        pid, start = info["pid"], info["start"]
        if pid_alive(pid, start):
            try:
                os.killpg(pid, sig)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + grace
            while pid_alive(pid, start) and time.monotonic() < deadline:
                self._reap(name)
                time.sleep(0.05)
            if pid_alive(pid, start):
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                while pid_alive(pid, start):
                    self._reap(name)
                    time.sleep(0.05)
        self._reap(name)
        self.state["processes"].pop(name, None)
        self._popen.pop(name, None)
        self._save()

    def _reap(self, name):
        proc = self._popen.get(name)
        if proc is not None:
            proc.poll()

    def signal_process(self, name, sig):
        info = self.state["processes"][name]
        os.killpg(info["pid"], sig)

    # ---- components --------------------------------------------------------------------
    def _http_ok(self, url, ssl_ctx=None):
        with urllib.request.urlopen(url, timeout=2, context=ssl_ctx) as r:
            return r.status == 200

    def start_etcd(self):
        p = self.state["ports"]
        self.start_process("etcd", [
            self.tools["etcd"], "--name", "default", "--data-dir", self.path("etcd"),
            "--listen-client-urls", self.etcd_url, "--advertise-client-urls", self.etcd_url,
            "--listen-peer-urls", f"http://127.0.0.1:{p['etcd_peer']}",
            "--initial-advertise-peer-urls", f"http://127.0.0.1:{p['etcd_peer']}",
            "--initial-cluster", f"default=http://127.0.0.1:{p['etcd_peer']}",
            "--listen-metrics-urls", f"http://127.0.0.1:{p['etcd_metrics']}",
            "--log-level", "warn", "--quota-backend-bytes", str(2 * 1024**3)])
        self.wait_ready("etcd", lambda: self._http_ok(f"http://127.0.0.1:{p['etcd_metrics']}/health"),
                        30, "GET /health")

    def start_apiserver(self):
        pki = self.path("pki")
        self.start_process("kube-apiserver", [
            self.tools["kube-apiserver"], f"--etcd-servers={self.etcd_url}",
            "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
            f"--secure-port={self.state['ports']['apiserver']}",
            f"--tls-cert-file={pki}/apiserver.crt", f"--tls-private-key-file={pki}/apiserver.key",
            f"--client-ca-file={pki}/ca.crt",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            f"--service-account-key-file={pki}/sa.pub",
            f"--service-account-signing-key-file={pki}/sa.key",
            "--service-cluster-ip-range=10.96.0.0/16", "--authorization-mode=RBAC",
            "--endpoint-reconciler-type=none", "--allow-privileged=true",
            f"--audit-policy-file={self.path('audit-policy.yaml')}",
            f"--audit-log-path={self.audit_log}", "--audit-log-format=json",
            "--audit-log-maxsize=0", f"--cert-dir={self.path('apiserver-certs')}",
            "--max-requests-inflight=1000", "--max-mutating-requests-inflight=500", "-v=0"])
        ctx = self.client().ctx
        self.wait_ready("kube-apiserver", lambda: self._http_ok(self.server + "/readyz", ctx), 90,
                        "GET /readyz")

    def start_controller_manager(self):
        pki = self.path("pki")
        self.start_process("kube-controller-manager", [
            self.tools["kube-controller-manager"], f"--kubeconfig={self.kubeconfig}",
            "--leader-elect=false", f"--service-account-private-key-file={pki}/sa.key",
            f"--root-ca-file={pki}/ca.crt", "--bind-address=127.0.0.1",
            f"--secure-port={self.state['ports']['controller_manager']}",
            f"--cert-dir={self.path('kcm-certs')}", "--kube-api-qps=200", "--kube-api-burst=400",
            "--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-route",
            "--concurrent-replicaset-syncs=10",
            # Crash-looping test pods (KWOK's failure stage) would pile up as Failed pods.
            "--terminated-pod-gc-threshold=50", "-v=0"])

    def start_scheduler(self):
        self.start_process("kube-scheduler", [
            self.tools["kube-scheduler"], f"--kubeconfig={self.kubeconfig}", "--leader-elect=false",
            "--bind-address=127.0.0.1", f"--secure-port={self.state['ports']['scheduler']}",
            f"--cert-dir={self.path('scheduler-certs')}", "--kube-api-qps=200",
            "--kube-api-burst=400", "-v=0"])

    def start_kwok(self):
        self.start_process("kwok", [
            self.tools["kwok"], f"--kubeconfig={self.kubeconfig}",
            f"--config={self.path('kwok-stages.yaml')}", "--manage-all-nodes=true",
            "--node-ip=127.0.0.1", "--node-lease-duration-seconds=40", "--v=WARN"])

    def start_fixture(self):
        self.start_process("fixture", [
            sys.executable, os.path.join(HERE, "fixture", "traffic.py"),
            "--server", self.server, "--pki", self.path("pki"),
            "--listen", f"127.0.0.1:{self.state['ports']['fixture']}"])
        self.wait_ready("fixture", lambda: self._http_ok(self.fixture_url + "/healthz"), 30,
                        "GET /healthz")

    def start_prometheus(self):
        cfg = self.path("prometheus.yml")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    "scrape_configs:\n- job_name: traffic\n  static_configs:\n"
                    f"  - targets: ['127.0.0.1:{self.state['ports']['fixture']}']\n")
            for extra in self.state.get("extra_scrape_targets", []):
                f.write(f"- job_name: {extra['job']}\n  static_configs:\n"
                        f"  - targets: ['{extra['target']}']\n")
        self.start_process("prometheus", [
            self.tools["prometheus"], f"--config.file={cfg}",
            f"--web.listen-address=127.0.0.1:{self.state['ports']['prometheus']}",
            f"--storage.tsdb.path={self.path('prometheus-data')}",
            "--storage.tsdb.retention.time=1d", "--web.enable-lifecycle", "--log.level=warn"])
        self.wait_ready("prometheus", lambda: self._http_ok(self.prometheus_url + "/-/ready"), 30,
                        "GET /-/ready")

    def _create_nodes(self):
        c = self.client()
        for i in range(NODE_COUNT):
            name = f"kwok-node-{i}"
            # Fake nodes: room for every pod the suite makes at once.
            resources = {"cpu": "1000", "memory": "4Ti", "pods": "5000"}
            node = {
                "apiVersion": "v1", "kind": "Node",
                "metadata": {"name": name, "annotations": {"kwok.x-k8s.io/node": "fake",
                                                           "node.alpha.kubernetes.io/ttl": "0"},
                             "labels": {"type": "kwok", "kubernetes.io/hostname": name,
                                        "kubernetes.io/os": "linux"}},
                "spec": {},
                "status": {"allocatable": resources, "capacity": resources},
            }
            try:
                c.create("nodes", None, node)
            except kubeapi.ApiError as e:
                if e.status != 409:
                    raise

        def nodes_ready():
            nodes = c.list("nodes")["items"]
            ready = [n for n in nodes if any(
                cond["type"] == "Ready" and cond["status"] == "True"
                for cond in n.get("status", {}).get("conditions", []))
                and not n.get("spec", {}).get("taints")]
            return len(ready) == NODE_COUNT

        self.wait_ready("kwok", nodes_ready, 60, f"{NODE_COUNT} nodes Ready and untainted")

    def wait_crds_established(self, names, timeout=60):
        """Polls until every CRD in `names` is Established (kubectl wait races a fresh CRD)."""
        c = self.client()

        def established():
            for name in names:
                crd = c.get_or_none("customresourcedefinitions", None, name)
                conds = (crd or {}).get("status", {}).get("conditions", [])
                if not any(x.get("type") == "Established" and x.get("status") == "True" for x in conds):
                    return False
            return True

        self.wait_ready("kube-apiserver", established, timeout, f"CRDs {', '.join(names)} Established")

    def _install_istio_crds(self):
        self.kubectl("apply", "--server-side", "-f", self.tools["istio-crds"])
        self.wait_crds_established(["virtualservices.networking.istio.io",
                                    "destinationrules.networking.istio.io"])

    def install_serin_crds(self):
        """serin's own CRDs from the repository's crds/ (the single source)."""
        crds = os.path.join(os.path.dirname(HERE), "crds")
        files = sorted(os.path.join(crds, f) for f in os.listdir(crds) if f.endswith(".yaml"))
        for f in files:
            self.kubectl("apply", "--server-side", "--force-conflicts", "-f", f)
        self.wait_crds_established(["rollouts.serin.io", "analysistemplates.serin.io",
                                    "clusteranalysistemplates.serin.io", "analysisruns.serin.io"])

    def restart_apiserver(self, down_seconds=0.0):
        """Stops kube-apiserver and starts it again on the same port with the same data."""
        self.stop_process("kube-apiserver")
        time.sleep(down_seconds)
        self.start_apiserver()

    def etcd_compact(self):
        """Compacts etcd at its current revision (through etcd's JSON gateway); returns it."""
        def post(path, body):
            req = urllib.request.Request(self.etcd_url + path, data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.load(r)
        rev = int(post("/v3/kv/range", {"key": base64.b64encode(b"/").decode()})["header"]["revision"])
        post("/v3/kv/compaction", {"revision": str(rev), "physical": True})
        return rev

    # ---- up / down ---------------------------------------------------------------------
    def up(self):
        self._check_tools()
        if os.path.exists(self.state_file):
            try:
                existing = LocalEnv.load(self.dir)
                if any(pid_alive(i["pid"], i["start"]) for i in existing.state["processes"].values()):
                    raise EnvError(f"an environment is already running in {self.dir}; "
                                   f"stop it first (make demo-down / localenv.py down --dir {self.dir})")
            except (ValueError, KeyError):
                pass
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir)
        os.makedirs(self.path("logs"))
        ports = self.state["ports"]
        for name in ("etcd_client", "etcd_peer", "etcd_metrics", "apiserver", "controller_manager",
                     "scheduler", "prometheus", "fixture"):
            ports[name] = free_port()
        self._save()
        started = time.monotonic()
        try:
            envfiles.make_pki(self)
            envfiles.write_kubeconfig(self)
            envfiles.write_audit_policy(self)
            envfiles.write_kwok_stages(self)
        except envfiles.EnvFileError as e:
            raise EnvError(str(e)) from e
        self.start_etcd()
        self.start_apiserver()
        self.start_controller_manager()
        self.start_scheduler()
        self.start_kwok()
        self._create_nodes()
        self._install_istio_crds()
        self.install_serin_crds()
        self.start_fixture()
        self.start_prometheus()
        self.state["up_seconds"] = round(time.monotonic() - started, 1)
        self._save()

    def down(self):
        # Reverse order of start; the fixture and kwok before the API server they talk to.
        order = ["prometheus", "fixture", "kwok", "kube-scheduler", "kube-controller-manager",
                 "kube-apiserver", "etcd"]
        names = [n for n in order if n in self.state["processes"]]
        names += [n for n in list(self.state["processes"]) if n not in names]
        for name in names:
            self.stop_process(name)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("verb", choices=["up", "down", "env"])
    ap.add_argument("--dir", default=os.environ.get("SERIN_E2E_DIR", DEFAULT_DEMO_DIR),
                    help="state directory (default: .e2e/demo in the repository)")
    args = ap.parse_args(argv)
    try:
        if args.verb == "up":
            env = LocalEnv(args.dir)
            signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
            try:
                env.up()
            except BaseException:
                env.down()
                raise
            print(f"environment up in {env.state['up_seconds']} s; state in {env.dir}")
            for k, v in env.exports().items():
                print(f"  {k}={v}")
        elif args.verb == "env":
            env = LocalEnv.load(args.dir)
            for k, v in env.exports().items():
                print(f"export {k}={v}")
        else:
            if not os.path.exists(os.path.join(args.dir, "state.json")):
                print(f"nothing running in {args.dir}")
                return 0
            env = LocalEnv.load(args.dir)
            env.down()
            print(f"environment in {env.dir} stopped")
    except EnvError as e:
        print(f"localenv: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("localenv: interrupted; everything started was stopped", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
