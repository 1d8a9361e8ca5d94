"""Running serin-controller against the local environment, for the end-to-end tests.

    with Controller(env, "ns-x") as ctl:     # namespaced mode, leader election off
        ...
    ctl.metrics() -> text of /metrics;  ctl.stop(); ctl.kill9(); ctl.start()

The binary is the one `make build` made (SERIN_BUILD_DIR, default build/). Its logs go to
<state dir>/logs/serin-controller-<name>.log. Ports are free ones chosen at start.
"""
import signal
import subprocess
import time
import urllib.request

import helpers
import localenv


class Controller:
    def __init__(self, env, namespace="", name=None, leader_elect=False, extra_args=None,
                 prometheus_address=None, kubeconfig=None, args=None):
        """args: run with exactly these flags (plus kubeconfig and the listen addresses)
        instead of the test defaults, e.g. those of the Helm chart's Deployment."""
        self.env = env
        self.namespace = namespace
        self.name = name or (namespace or "all")
        self.leader_elect = leader_elect
        self.extra_args = list(extra_args or [])
        self.prometheus_address = prometheus_address or env.prometheus_url
        self.kubeconfig = kubeconfig or env.kubeconfig
        self.args = args
        self.metrics_port = localenv.free_port()
        self.health_port = localenv.free_port()
        self.proc = None
        self.log_path = env.path("logs", f"serin-controller-{self.name}.log")

    def argv(self):
        args = [helpers.built("operator", "serin-controller"),
                f"--kubeconfig={self.kubeconfig}",
                f"--metrics-address=127.0.0.1:{self.metrics_port}",
                f"--health-address=127.0.0.1:{self.health_port}"]
        if self.args is not None:
            return args + self.args + self.extra_args
        args += [f"--prometheus-address={self.prometheus_address}",
                 f"--leader-elect={'true' if self.leader_elect else 'false'}",
                 "--loglevel=debug"]
        if self.namespace:
            args.append(f"--namespace={self.namespace}")
        return args + self.extra_args

    def start(self, wait_ready=True):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv(), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True,
                                     preexec_fn=localenv._die_with_parent)
        log.close()
        if wait_ready:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serin-controller exited with {self.proc.returncode}; "
                                   f"log: {self.tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.health_port}/readyz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"serin-controller not ready in {timeout}s; log: {self.tail()}")

    def metrics(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5) as r:
            return r.read().decode()

    def tail(self, n=20):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def stop(self, timeout=20):
        """SIGTERM and wait (graceful shutdown); returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.kill9()  # __exit__ does not run when __enter__ raises
            raise

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGCONT)
                self.stop()
            except Exception:  # noqa: BLE001
                self.kill9()
