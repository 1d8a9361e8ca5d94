#!/usr/bin/env python3
"""`make demo`: the local environment, left running for a person to explore.

    python3 e2e/demo.py up     start it (state in .e2e/demo) and show traffic being split
    python3 e2e/demo.py down   stop everything it started

The demo namespace `demo` holds a stable and a canary version of `checkout` (the canary
answers 5 % errors), their Services, and a VirtualService sending 80 % of the traffic to
stable and 20 % to canary. The traffic fixture plays the mesh; Prometheus scrapes it.
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import helpers  # noqa: E402
import localenv  # noqa: E402

NAMESPACE = "demo"


def rate(env, svc, status_re=".*"):
    q = f'sum(rate(http_requests_total{{namespace="{NAMESPACE}",service="{svc}",status=~"{status_re}"}}[10s]))'
    v = helpers.prom_scalar(env, q)
    return 0.0 if v is None else v


def show_split(env):
    app = [
        helpers.replicaset("checkout-stable", 3, {"app": "checkout", "version": "v1"},
                           {"fixture.serin.io/error-rate": "0"}),
        helpers.service("checkout-stable", {"app": "checkout", "version": "v1"}),
        helpers.replicaset("checkout-canary", 1, {"app": "checkout", "version": "v2"},
                           {"fixture.serin.io/error-rate": "0.05"}),
        helpers.service("checkout-canary", {"app": "checkout", "version": "v2"}),
        helpers.virtual_service("checkout", {"primary": [("checkout-stable", 80), ("checkout-canary", 20)]},
                                {"fixture.serin.io/rps": "50"}),
    ]
    env.client().create("namespaces", None, {"apiVersion": "v1", "kind": "Namespace",
                                             "metadata": {"name": NAMESPACE}})
    res = helpers.apply(env, NAMESPACE, *app)
    if res.returncode != 0:
        raise localenv.EnvError(f"applying the demo app failed: {res.stderr.strip()}")
    helpers.wait_for(lambda: rate(env, "checkout-canary") > 5, 30, what="traffic in Prometheus")
    time.sleep(10)  # let the 10 s rate window fill
    print("\nTraffic as Prometheus sees it (requests/s over 10 s):")
    for svc in ("checkout-stable", "checkout-canary"):
        total, ok = rate(env, svc), rate(env, svc, "2..")
        print(f"  {svc:17s} {total:6.1f} req/s   success rate {ok / total if total else float('nan'):.3f}")


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
        show_split(env)
    except localenv.EnvError as e:
        print(f"demo: {e}", file=sys.stderr)
        env.down()
        return 1
    except BaseException:
        env.down()
        raise
    vs = env.kubectl("get", "virtualservice", "checkout", "-n", NAMESPACE, "-o", "json").stdout
    weights = [(d["destination"]["host"], d.get("weight")) for d in json.loads(vs)["spec"]["http"][0]["route"]]
    print(f"\nVirtualService demo/checkout route 'primary': {weights}")
    print(f"""
The demo is running (control plane up in {env.state['up_seconds']} s). Try:
  export KUBECONFIG={env.kubeconfig}
  alias kubectl={env.tools['kubectl']}
  kubectl -n {NAMESPACE} get virtualservice checkout -o yaml
  kubectl -n {NAMESPACE} patch virtualservice checkout --type=json \\
    -p '[{{"op":"replace","path":"/spec/http/0/route/0/weight","value":50}},{{"op":"replace","path":"/spec/http/0/route/1/weight","value":50}}]'
  Prometheus: {env.prometheus_url}/graph?g0.expr=sum+by+(service,status)(rate(http_requests_total{{namespace%3D%22{NAMESPACE}%22}}[10s]))
  Fixture state: {env.fixture_url}/state
Stop it with: make demo-down""")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
