#!/usr/bin/env python3
"""`make demo`: serin on the local control plane, doing a real canary, left running.

    python3 e2e/demo.py up     start it (state in .e2e/demo) and play the story
    python3 e2e/demo.py down   stop everything it started

The story, in namespace `demo`:
  1. `checkout` v1 is deployed (the first version is stable at once);
  2. v2 (healthy) rolls out: 20 % of the traffic, a pause, 50 %, a pause, while a background
     analysis asks Prometheus for the canary's success rate every 2 s; it is promoted;
  3. v3 answers 20 % errors: the analysis fails and serin aborts on its own — the traffic
     goes back to v2 first, then the v3 pods are scaled down.
The Rollout's status and the VirtualService weights are printed as they change. The traffic
fixture plays the mesh and the application; Prometheus scrapes it every second.
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import helpers  # noqa: E402
import localenv  # noqa: E402
import rollouts  # noqa: E402

NAMESPACE = "demo"


def template(env):
    return {
        "apiVersion": "serin.io/v1alpha1", "kind": "AnalysisTemplate", "metadata": {"name": "success-rate"},
        "spec": {
            "args": [{"name": "service-name"}],
            "metrics": [{
                "name": "success-rate", "interval": "2s", "failureLimit": 1,
                "successCondition": "result[0] >= 0.99",
                "provider": {"prometheus": {
                    "address": env.prometheus_url,
                    # Seed 004's query, with a 10 s window for a demo that moves in seconds.
                    "query": 'sum(rate(http_requests_total{service="{{args.service-name}}",status=~"2.."}[10s])) / '
                             'sum(rate(http_requests_total{service="{{args.service-name}}"}[10s]))'}},
            }],
        },
    }


def checkout(image, error_rate):
    ro = rollouts.rollout(name="checkout", vs="checkout", replicas=4, image=image, error_rate=error_rate,
                          steps=[{"setWeight": 20}, {"pause": {"duration": "8s"}}, {"setWeight": 50},
                                 {"pause": {"duration": "8s"}}])
    ro["spec"]["strategy"]["canary"]["analysis"] = {
        "templates": [{"templateName": "success-rate"}], "startingStep": 1,
        "args": [{"name": "service-name", "value": "checkout-canary"}]}
    return ro


def line(env, start):
    ro = env.client().get("rollouts", NAMESPACE, "checkout")
    st = ro.get("status", {})
    vs = env.client().get("virtualservices", NAMESPACE, "checkout")
    weights = {d["destination"]["host"]: d.get("weight", 0) for d in vs["spec"]["http"][0]["route"]}
    run = (st.get("canary", {}) or {}).get("currentBackgroundAnalysisRunStatus", {}) or {}
    return (f"  {time.monotonic() - start:5.1f}s  {st.get('phase', ''):11s} step {st.get('currentStepIndex', '-')}"
            f"  weights stable/canary {weights.get('checkout-stable', 0):3d}/{weights.get('checkout-canary', 0):3d}"
            f"  analysis {run.get('status', '-'):12s} {st.get('message', '')[:70]}")


def follow(env, until, timeout):
    start = time.monotonic()
    last = None
    while time.monotonic() - start < timeout:
        text = line(env, start)
        if text[8:] != (last or "")[8:]:
            print(text, flush=True)
            last = text
        st = env.client().get("rollouts", NAMESPACE, "checkout").get("status", {})
        if until(st):
            final = line(env, start)
            if final[8:] != last[8:]:
                print(final, flush=True)
            return st
        time.sleep(0.2)
    raise localenv.EnvError(f"the demo rollout did not get there in {timeout}s: {last}")


def story(env):
    controller = helpers.built("operator", "serin-controller")
    env.start_process("serin-controller", [
        controller, f"--kubeconfig={env.kubeconfig}", "--leader-elect=false",
        f"--metrics-address=127.0.0.1:{localenv.free_port()}", f"--health-address=127.0.0.1:{localenv.free_port()}",
        f"--prometheus-address={env.prometheus_url}", "--logformat=text"])
    env.client().create("namespaces", None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}})
    res = helpers.apply(env, NAMESPACE, *rollouts.services_and_route("checkout", rps=100), template(env),
                        checkout("shop/checkout:1.0", 0))
    if res.returncode != 0:
        raise localenv.EnvError(f"applying the demo failed: {res.stderr.strip()}")
    print("\n1. checkout v1: the first version is stable at once")
    follow(env, lambda st: st.get("phase") == "Healthy", 60)

    print("\n2. checkout v2 (healthy): canary with background analysis")
    helpers.apply(env, NAMESPACE, checkout("shop/checkout:2.0", 0))
    follow(env, lambda st: st.get("phase") == "Healthy" and st.get("stableRS") == st.get("currentPodHash")
           and st.get("currentStepIndex") == 4, 120)

    print("\n3. checkout v3 (answers 20 % errors): the analysis fails, serin aborts by itself")
    helpers.apply(env, NAMESPACE, checkout("shop/checkout:3.0", 0.2))
    follow(env, lambda st: st.get("phase") == "Degraded" and st.get("abort"), 120)
    follow(env, lambda st: all(rs["spec"]["replicas"] == 0 for rs in env.client().list("replicasets", NAMESPACE)["items"]
                               if rs["metadata"]["labels"]["rollouts-pod-template-hash"] == st.get("currentPodHash")),
           60)


def main(argv):
    verb = argv[0] if argv else "up"
    state_dir = os.environ.get("SERIN_DEMO_DIR", localenv.DEFAULT_DEMO_DIR)
    if verb == "down":
        return localenv.main(["down", "--dir", state_dir])
    if verb != "up":
        print(__doc__)
        return 2
    env = localenv.LocalEnv(state_dir)
    try:
        env.up()
        story(env)
    except (localenv.EnvError, FileNotFoundError) as e:
        print(f"demo: {e}", file=sys.stderr)
        env.down()
        return 1
    except BaseException:
        env.down()
        raise
    print(f"""
The demo is still running (control plane up in {env.state['up_seconds']} s). Try:
  export KUBECONFIG={env.kubeconfig}
  alias kubectl={env.tools['kubectl']}
  kubectl -n {NAMESPACE} get rollout,replicasets,analysisruns
  kubectl -n {NAMESPACE} get events --sort-by=.lastTimestamp
  kubectl -n {NAMESPACE} get virtualservice checkout -o jsonpath='{{.spec.http[0].route}}'
  kubectl -n {NAMESPACE} patch rollout checkout --subresource=status --type=merge -p '{{"status":{{"abort":false}}}}'   # retry v3
  Prometheus: {env.prometheus_url}/graph?g0.expr=sum+by+(service,status)(rate(http_requests_total{{namespace%3D%22{NAMESPACE}%22}}[10s]))
  Controller log: {env.path('logs', 'serin-controller.log')}
Stop it with: make demo-down""")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
