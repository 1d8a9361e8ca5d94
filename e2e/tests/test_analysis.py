"""AnalysisRuns end to end: the real controller, API server, Prometheus and traffic fixture.

Runs are applied with `kubectl apply` as a user would, and judged on what Prometheus sees
of the fixture's traffic, with short intervals (2 s) and windows (10 s, 3 s for NaN). The
independent scenarios run in parallel threads, each in its own namespace with its own
namespaced controller; the one that stops Prometheus runs last, alone, and restarts it.
"""
import concurrent.futures
import contextlib
import json
import re
import threading
import time

import pytest

import helpers
from controller import Controller
from fixture.slow_proxy import SlowProxy
from helpers import apply, prom_scalar, replicaset, service, unique_namespace, virtual_service, wait_for

API = "serin.io/v1alpha1"
TERMINAL = {"Successful", "Failed", "Error", "Inconclusive"}


# ---- building blocks ------------------------------------------------------------------------

@contextlib.contextmanager
def namespace(env, prefix):
    """A fresh namespace, deleted afterwards: its app's traffic must not load later tests."""
    ns = unique_namespace(env, prefix)
    try:
        yield ns
    finally:
        env.client().delete("namespaces", None, ns)


def success_rate_query(ns, svc, window="10s"):
    """The seed 004 query, scoped to the namespace (service names repeat across tests)."""
    return (f'sum(rate(http_requests_total{{namespace="{ns}",service="{svc}",status=~"2.."}}[{window}]))'
            f' / sum(rate(http_requests_total{{namespace="{ns}",service="{svc}"}}[{window}]))')


def make_app(env, ns, name, error_rate, rps=50):
    labels = {"app": name}
    vs = virtual_service(name, {"primary": [(name, 100)]}, {"fixture.serin.io/rps": str(rps)})
    res = apply(env, ns, replicaset(name, 2, labels, {"fixture.serin.io/error-rate": str(error_rate)}),
                service(name, labels), vs)
    assert res.returncode == 0, res.stderr
    wait_for(lambda: env.client().get("replicasets", ns, name)["status"].get("readyReplicas") == 2,
             30, what=f"{name} ready")
    return vs


def metric(name, query, **fields):
    m = {"name": name, "provider": {"prometheus": {"query": query}}}
    m.update(fields)
    return m


def analysis_run(name, metrics, **spec):
    return {"apiVersion": API, "kind": "AnalysisRun", "metadata": {"name": name},
            "spec": dict(metrics=metrics, **spec)}


def get_run(env, ns, name):
    return env.client().get("analysisruns", ns, name)


def wait_phase(env, ns, name, timeout):
    return wait_for(lambda: (lambda r: r if r.get("status", {}).get("phase") in TERMINAL else None)(
        get_run(env, ns, name)), timeout, interval=0.2, what=f"{name} to finish")


def measurements(run, metric_name):
    for r in run.get("status", {}).get("metricResults", []):
        if r["name"] == metric_name:
            return r
    return None


def run_events(env, ns, name):
    items = env.client().list("events", ns)["items"]
    return sorted(((e["reason"], e["type"], e["message"]) for e in items
                   if e["involvedObject"]["name"] == name and e["involvedObject"]["kind"] == "AnalysisRun"))


def wait_events(env, ns, name, reasons, timeout=10):
    """The run's events once every reason in `reasons` is among them (they are written async)."""
    return wait_for(lambda: (lambda evs: evs if set(reasons) <= {e[0] for e in evs} else None)(
        run_events(env, ns, name)), timeout, what=f"events {reasons} on {name}")


def metric_line(text, series, **labels):
    """The value of the series named `series` whose labels include `labels`, or None."""
    for line in text.splitlines():
        if not line.startswith(series + "{"):
            continue
        got = dict(re.findall(r'(\w+)="([^"]*)"', line[line.index("{"):line.rindex("}")]))
        if all(got.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def wait_success_rate(env, ns, svc, want, tolerance, window="10s", timeout=30):
    query = success_rate_query(ns, svc, window)
    return wait_for(lambda: (lambda v: v if v is not None and abs(v - want) <= tolerance else None)(
        prom_scalar(env, query)), timeout, what=f"{svc} success rate {want} in Prometheus")


# ---- scenarios: each returns what its test asserts on; they run in parallel -----------------

def scenario_healthy_app(env):
    """Healthy app: a plain run, a dry-run metric that fails, an endless run terminated, and a
    run whose condition does not parse. All applied with kubectl; one controller."""
    with namespace(env, "ar-ok") as ns:
        make_app(env, ns, "web", 0)
        wait_success_rate(env, ns, "web", 1.0, 0.0)
        query = success_rate_query(ns, "web")
        template = {"apiVersion": API, "kind": "AnalysisTemplate", "metadata": {"name": "broken"},
                    "spec": {"metrics": [metric("success-rate", query, successCondition="result[0] >=",
                                                interval="2s", count=3)]}}
        runs = [
            analysis_run("healthy", [metric("success-rate", query, interval="2s", count=3,
                                            successCondition="result[0] >= 0.99")]),
            analysis_run("dry-run", [metric("success-rate", query, interval="2s", count=2,
                                            successCondition="result[0] >= 0.99"),
                                     metric("impossible", query, interval="2s", count=2,
                                            successCondition="result[0] >= 1.5")],
                         dryRun=[{"metricName": "impossible"}]),
            analysis_run("endless", [metric("success-rate", query, interval="2s",
                                            successCondition="result[0] >= 0.99")]),
            # As `create analysisrun --from broken` makes it: the template's metrics copied.
            analysis_run("syntax-error", template["spec"]["metrics"]),
        ]
        out = {"ns": ns}
        with Controller(env, ns) as ctl:
            started = time.monotonic()
            res = apply(env, ns, template, *runs)
            assert res.returncode == 0, res.stderr
            out["syntax-error"] = wait_phase(env, ns, "syntax-error", 10)
            out["syntax-error-after"] = time.monotonic() - started
            # Terminate the endless run once it has measured twice.
            wait_for(lambda: (measurements(get_run(env, ns, "endless"), "success-rate") or {}).get("count", 0) >= 2,
                     20, what="endless run measured twice")
            patched = env.kubectl("patch", "analysisrun", "endless", "-n", ns, "--type=merge",
                                  "-p", json.dumps({"spec": {"terminate": True}}), check=False)
            assert patched.returncode == 0, patched.stderr
            terminated_at = time.monotonic()
            out["endless"] = wait_phase(env, ns, "endless", 10)
            out["terminate-took"] = time.monotonic() - terminated_at
            out["healthy"] = wait_phase(env, ns, "healthy", 30)
            out["healthy-took"] = time.monotonic() - started
            out["dry-run"] = wait_phase(env, ns, "dry-run", 30)
            time.sleep(4.5)  # two more intervals: the terminated run must stay as it ended
            out["endless-later"] = get_run(env, ns, "endless")
            out["events"] = {
                "healthy": wait_events(env, ns, "healthy", ["MetricSuccessful", "AnalysisRunSuccessful"]),
                "dry-run": wait_events(env, ns, "dry-run", ["MetricFailed", "AnalysisRunSuccessful"]),
                "syntax-error": wait_events(env, ns, "syntax-error", ["AnalysisRunError"]),
            }
            out["metrics"] = ctl.metrics()
        return out


def scenario_five_percent_errors(env):
    with namespace(env, "ar-bad") as ns:
        make_app(env, ns, "web", 0.05)
        wait_success_rate(env, ns, "web", 0.95, 0.01)
        run = analysis_run("errors", [metric("success-rate", success_rate_query(ns, "web"), interval="2s",
                                             count=10, failureLimit=1, successCondition="result[0] >= 0.99")])
        with Controller(env, ns) as ctl:
            started = time.monotonic()
            assert apply(env, ns, run).returncode == 0
            final = wait_phase(env, ns, "errors", 30)
            took = time.monotonic() - started
            events = wait_events(env, ns, "errors", ["MetricFailed", "AnalysisRunFailed"])
            metrics = ctl.metrics()
        return {"ns": ns, "run": final, "took": took, "events": events, "metrics": metrics}


def scenario_zero_traffic(env):
    """0/0 = NaN (traffic stopped longer than the window ago) and an empty vector (a service
    that never had a request)."""
    with namespace(env, "ar-zero") as ns:
        vs = make_app(env, ns, "idle", 0)
        wait_success_rate(env, ns, "idle", 1.0, 0.0, window="3s")
        vs["metadata"]["annotations"]["fixture.serin.io/rps"] = "0"
        assert apply(env, ns, vs).returncode == 0
        nan_query = success_rate_query(ns, "idle", "3s")
        wait_for(lambda: helpers.is_nan(prom_scalar(env, nan_query)), 20, what="NaN once traffic stopped")
        empty_query = success_rate_query(ns, "never-seen")
        assert helpers.prom_query(env, empty_query)["result"] == []
        runs = [
            # Argo's two idioms: only a successCondition, and only a failureCondition (which
            # NaN passes in Argo: NaN < 0.95 is false). Two runs, as in one the first metric to
            # end the run would leave the other unmeasured.
            analysis_run("nan-success-only", [metric("success-rate", nan_query, consecutiveErrorLimit=0,
                                                     successCondition="result[0] >= 0.99")]),
            analysis_run("nan-failure-only", [metric("success-rate", nan_query, consecutiveErrorLimit=0,
                                                     failureCondition="result[0] < 0.95")]),
            analysis_run("empty", [metric("success-rate", empty_query, interval="2s", count=3,
                                          consecutiveErrorLimit=1, successCondition="result[0] >= 0.99")]),
            # Both conditions, neither true: Inconclusive (the zero-traffic rate is 0, not NaN).
            analysis_run("inconclusive", [metric("rate", f'sum(rate(http_requests_total{{namespace="{ns}"}}[3s]))',
                                                 successCondition="result[0] > 10",
                                                 failureCondition="result[0] < 0")]),
        ]
        with Controller(env, ns):
            assert apply(env, ns, *runs).returncode == 0
            out = {"ns": ns}
            for r in ("nan-success-only", "nan-failure-only", "empty", "inconclusive"):
                out[r] = wait_phase(env, ns, r, 30)
        return out


def scenario_slow_prometheus(env):
    """Prometheus behind a proxy that answers after 20 s, with timeout: 2."""
    with namespace(env, "ar-slow") as ns:
        with SlowProxy(env.prometheus_url, delay=20) as proxy, Controller(env, ns):
            m = metric("slow", "vector(1)", successCondition="result[0] == 1", consecutiveErrorLimit=0)
            m["provider"]["prometheus"].update({"address": proxy.url, "timeout": 2})
            quick = metric("quick", "vector(1)", successCondition="result[0] == 1")
            started = time.monotonic()
            assert apply(env, ns, analysis_run("slow", [m]), analysis_run("quick", [quick])).returncode == 0
            quick_run = wait_phase(env, ns, "quick", 15)
            quick_took = time.monotonic() - started
            final = wait_phase(env, ns, "slow", 15)
            took = time.monotonic() - started
            proxied = proxy.requests()
        return {"ns": ns, "run": final, "took": took, "quick": quick_run, "quick_took": quick_took,
                "proxied": proxied}


SCENARIOS = {
    "healthy_app": scenario_healthy_app,
    "five_percent_errors": scenario_five_percent_errors,
    "zero_traffic": scenario_zero_traffic,
    "slow_prometheus": scenario_slow_prometheus,
}


@pytest.fixture(scope="module")
def scenarios(env):
    """Starts every independent scenario at once, the first time a test asks for one."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(SCENARIOS),
                                                 thread_name_prefix="scenario")
    futures = {name: pool.submit(fn, env) for name, fn in SCENARIOS.items()}
    yield futures
    concurrent.futures.wait(futures.values())
    pool.shutdown()


def result(scenarios, name, timeout=120):
    return scenarios[name].result(timeout=timeout)


# ---- the tests ------------------------------------------------------------------------------

def test_healthy_version_is_successful_and_a_user_applied_run_runs(scenarios):
    out = result(scenarios, "healthy_app")
    run = out["healthy"]
    st = run["status"]
    assert st["phase"] == "Successful", st
    r = measurements(run, "success-rate")
    assert r["phase"] == "Successful" and r["count"] == 3 and r["successful"] == 3, r
    assert [m["phase"] for m in r["measurements"]] == ["Successful"] * 3
    assert all(m["value"] == "[1]" for m in r["measurements"]), r["measurements"]
    assert st["runSummary"] == {"count": 1, "successful": 1}, st["runSummary"]
    assert out["healthy-took"] < 15, out["healthy-took"]  # three measurements 2 s apart
    assert ("AnalysisRunSuccessful", "Normal", "Analysis Completed. Result: Successful") in out["events"]["healthy"]
    assert ("MetricSuccessful", "Normal", "Metric 'success-rate' Completed. Result: Successful") in out["events"]["healthy"]
    ns = out["ns"]
    text = out["metrics"]
    assert metric_line(text, "analysis_run_info", namespace=ns, name="healthy", phase="Successful") == 1
    assert metric_line(text, "analysis_run_phase", namespace=ns, name="healthy", phase="Successful") == 1
    assert metric_line(text, "analysis_run_phase", namespace=ns, name="healthy", phase="Running") == 0
    assert metric_line(text, "analysis_run_metric_type", namespace=ns, name="healthy", metric="success-rate",
                       type="Prometheus") == 1
    assert metric_line(text, "analysis_run_metric_phase", namespace=ns, name="healthy", metric="success-rate",
                       type="Prometheus", dry_run="false", phase="Successful") == 1
    assert metric_line(text, "analysis_run_reconcile_count", namespace=ns, name="healthy") >= 4


def test_failing_dry_run_metric_does_not_fail_the_run(scenarios):
    out = result(scenarios, "healthy_app")
    st = out["dry-run"]["status"]
    assert st["phase"] == "Successful", st
    assert st["runSummary"] == {"count": 1, "successful": 1}, st["runSummary"]
    assert st["dryRunSummary"] == {"count": 1, "failed": 1}, st["dryRunSummary"]
    dry = measurements(out["dry-run"], "impossible")
    assert dry["dryRun"] is True and dry["phase"] == "Failed", dry
    assert ("MetricFailed", "Warning", "Metric 'impossible' Completed. Result: Failed") in out["events"]["dry-run"]
    assert metric_line(out["metrics"], "analysis_run_metric_phase", namespace=out["ns"], name="dry-run",
                       metric="impossible", dry_run="true", phase="Failed") == 1


def test_terminate_ends_the_run(scenarios):
    out = result(scenarios, "healthy_app")
    st = out["endless"]["status"]
    assert st["phase"] == "Successful" and st["message"] == "Run Terminated", st
    assert out["terminate-took"] < 5, out["terminate-took"]
    taken = measurements(out["endless"], "success-rate")["count"]
    assert taken >= 2
    assert out["endless-later"]["status"] == st  # nothing measured after the terminate


def test_condition_syntax_error_fails_the_run_naming_the_column(scenarios):
    out = result(scenarios, "healthy_app")
    st = out["syntax-error"]["status"]
    assert st["phase"] == "Error", st
    assert st["message"].startswith("Analysis spec invalid: spec.metrics[0].successCondition: "), st
    assert 'metric "success-rate": successCondition "result[0] >=": line 1, column 13: ' in st["message"], st
    assert "metricResults" not in st  # nothing was measured
    assert out["syntax-error-after"] < 5
    events = out["events"]["syntax-error"]
    assert [e[:2] for e in events] == [("AnalysisRunError", "Warning")], events
    assert "column 13" in events[0][2]


def test_five_percent_errors_fail_after_failure_limit_plus_one(scenarios):
    out = result(scenarios, "five_percent_errors")
    st = out["run"]["status"]
    assert st["phase"] == "Failed", st
    r = measurements(out["run"], "success-rate")
    assert r["failed"] == 2 and r["count"] == 2 and "successful" not in r, r
    assert [m["phase"] for m in r["measurements"]] == ["Failed", "Failed"], r["measurements"]
    for m in r["measurements"]:
        value = json.loads(m["value"])[0]
        assert abs(value - 0.95) < 0.02, m
    assert 'Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)' in st["message"], st
    assert out["took"] < 15, out["took"]
    assert ("MetricFailed", "Warning", "Metric 'success-rate' Completed. Result: Failed") in out["events"]
    assert any(e[0] == "AnalysisRunFailed" and e[1] == "Warning" for e in out["events"]), out["events"]
    assert metric_line(out["metrics"], "analysis_run_info", namespace=out["ns"], name="errors", phase="Failed") == 1


def test_zero_traffic_is_never_successful(scenarios):
    out = result(scenarios, "zero_traffic")
    for name in ("nan-success-only", "nan-failure-only"):
        st = out[name]["status"]
        assert st["phase"] == "Error", st
        r = measurements(out[name], "success-rate")
        assert r["phase"] == "Error" and "successful" not in r, r
        assert r["measurements"][0]["message"] == "query returned NaN", r
        assert r["measurements"][0]["value"] == "[NaN]", r
    empty = out["empty"]["status"]
    assert empty["phase"] == "Error", empty
    r = measurements(out["empty"], "success-rate")
    assert [m["message"] for m in r["measurements"]] == ["query returned no data"] * 2, r
    assert r["consecutiveError"] == 2 and "count" not in r, r
    assert "consecutiveErrors (2) > consecutiveErrorLimit (1)" in empty["message"], empty
    inconclusive = out["inconclusive"]["status"]
    assert inconclusive["phase"] == "Inconclusive", inconclusive
    assert measurements(out["inconclusive"], "rate")["measurements"][0]["value"] == "[0]"


def test_prometheus_slower_than_timeout_is_an_error_measurement(scenarios):
    out = result(scenarios, "slow_prometheus")
    st = out["run"]["status"]
    assert st["phase"] == "Error", st
    m = measurements(out["run"], "slow")["measurements"][0]
    assert m["phase"] == "Error"
    assert "did not answer within 2s" in m["message"], m
    assert out["took"] < 10, out["took"]  # the 2 s timeout, not the proxy's 20 s
    assert out["proxied"] == 1
    # The slow measurement held up nothing else.
    assert out["quick"]["status"]["phase"] == "Successful"
    assert out["quick_took"] < out["took"]


def test_prometheus_stopped_mid_run_gives_error_after_consecutive_error_limit_plus_one(env, scenarios):
    # Stopping Prometheus would disturb the other scenarios: wait for them first.
    concurrent.futures.wait(scenarios.values(), timeout=180)
    with namespace(env, "ar-down") as ns:
        make_app(env, ns, "web", 0)
        wait_success_rate(env, ns, "web", 1.0, 0.0)
        run = analysis_run("down", [metric("success-rate", success_rate_query(ns, "web"), interval="2s", count=30,
                                           consecutiveErrorLimit=1, successCondition="result[0] >= 0.99")])
        with Controller(env, ns):
            assert apply(env, ns, run).returncode == 0
            wait_for(lambda: (measurements(get_run(env, ns, "down"), "success-rate") or {}).get("successful", 0) >= 1,
                     15, what="a first successful measurement")
            try:
                env.stop_process("prometheus")
                stopped = time.monotonic()
                final = wait_phase(env, ns, "down", 40)
                took = time.monotonic() - stopped
            finally:
                env.start_prometheus()
        st = final["status"]
        assert st["phase"] == "Error", st
        r = measurements(final, "success-rate")
        errors = [m for m in r["measurements"] if m["phase"] == "Error"]
        assert r["consecutiveError"] == 2 and len(errors) == 2, r
        assert r["measurements"][0]["phase"] == "Successful"
        assert all("Prometheus" in m["message"] for m in errors), errors
        assert "consecutiveErrors (2) > consecutiveErrorLimit (1)" in st["message"], st
        # The second error comes 10 s after the first (Argo's error retry), whatever the interval.
        assert 5 <= took < 25, took
