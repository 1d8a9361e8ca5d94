"""Recording what happened to a Rollout, in the order the API server committed it.

A Timeline watches the Rollouts, ReplicaSets, Services, VirtualServices and
DestinationRules of one namespace and keeps every version of every object it sees. Since
etcd resource versions are globally ordered, replaying the versions in resourceVersion
order gives the true sequence of states, whatever order the watch streams delivered them
in. Tests then check orderings: a weight was written only when enough canary pods were
available; after an abort the canary was scaled down only once its weight was 0.
"""
import math
import threading
import time

import kubeapi

HASH = "rollouts-pod-template-hash"


class State:
    """The namespace as it was right after one committed change."""

    def __init__(self):
        self.rv = 0
        self.rollouts = {}
        self.replicasets = {}
        self.services = {}
        self.virtualservices = {}
        self.destinationrules = {}
        self.changed = None  # (kind, name) of the change that made this state

    def copy(self):
        s = State()
        s.rv = self.rv
        for k in ("rollouts", "replicasets", "services", "virtualservices", "destinationrules"):
            setattr(s, k, dict(getattr(self, k)))
        return s

    # ---- readings --------------------------------------------------------------------
    def route_weights(self, vs="web", route=None):
        """{host: weight} of a VirtualService's HTTP route (the first, or the named one)."""
        obj = self.virtualservices.get(vs)
        if not obj:
            return {}
        for r in obj.get("spec", {}).get("http", []) or []:
            if route is None or r.get("name") == route:
                return {d["destination"]["host"].split(".")[0] + (
                    "/" + d["destination"]["subset"] if d["destination"].get("subset") else ""):
                    d.get("weight", 0) for d in r.get("route", [])}
        return {}

    def selector_hash(self, service):
        svc = self.services.get(service)
        return (svc or {}).get("spec", {}).get("selector", {}).get(HASH, "")

    def subset_hash(self, dr, subset):
        obj = self.destinationrules.get(dr) or {}
        for s in obj.get("spec", {}).get("subsets", []) or []:
            if s.get("name") == subset:
                return (s.get("labels") or {}).get(HASH, "")
        return ""

    def rs_by_hash(self, h):
        for rs in self.replicasets.values():
            if rs["metadata"].get("labels", {}).get(HASH) == h:
                return rs
        return None

    def available(self, h):
        rs = self.rs_by_hash(h)
        return (rs or {}).get("status", {}).get("availableReplicas", 0) or 0

    def spec_replicas(self, h):
        rs = self.rs_by_hash(h)
        return (rs or {}).get("spec", {}).get("replicas", 0) if rs else 0

    def rollout(self, name="web"):
        return self.rollouts.get(name) or {}

    def status(self, name="web"):
        return self.rollout(name).get("status", {}) or {}


class Timeline:
    KINDS = ("rollouts", "replicasets", "services", "virtualservices", "destinationrules")

    def __init__(self, env, namespace):
        self.lock = threading.Lock()
        self.events = []  # (rv, kind, type, object)
        client = env.client(user_agent="serin-e2e-timeline")
        self.informers = [kubeapi.Informer(client, kind, namespace=namespace,
                                           on_event=self._recorder(kind)).start()
                          for kind in self.KINDS]
        for inf in self.informers:
            if not inf.synced.wait(20):
                raise TimeoutError(f"timeline informer {inf.resource} did not sync")

    def _recorder(self, kind):
        def record(event_type, obj):
            rv = int(obj.get("metadata", {}).get("resourceVersion", "0") or 0)
            with self.lock:
                self.events.append((rv, kind, event_type, obj))
        return record

    def stop(self):
        for inf in self.informers:
            inf.stop()

    def states(self):
        """Every state in commit order (one per change)."""
        with self.lock:
            events = sorted(self.events, key=lambda e: e[0])
        out = []
        cur = State()
        seen = set()
        for rv, kind, event_type, obj in events:
            key = (kind, obj["metadata"]["name"], rv, event_type)
            if key in seen:  # the same version from a list and a watch
                continue
            seen.add(key)
            cur = cur.copy()
            cur.rv = rv
            table = getattr(cur, kind)
            if event_type == "DELETED":
                table.pop(obj["metadata"]["name"], None)
            else:
                table[obj["metadata"]["name"]] = obj
            cur.changed = (kind, obj["metadata"]["name"])
            out.append(cur)
        return out

    def latest(self):
        s = self.states()
        return s[-1] if s else State()

    def wait(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s = self.latest()
            if predicate(s):
                return s
            time.sleep(0.05)
        raise TimeoutError(f"timed out after {timeout}s waiting for {what}; last status: "
                           f"{self.latest().status()}; weights {self.latest().route_weights()}")

    # ---- checks ----------------------------------------------------------------------
    def canary_weights(self, canary="web-canary", vs="web", route=None):
        """The distinct canary weights in the order they were committed."""
        out = []
        for s in self.states():
            if s.changed != ("virtualservices", vs):
                continue
            w = s.route_weights(vs, route).get(canary)
            if w is not None and (not out or out[-1] != w):
                out.append(w)
        return out

    def weight_violations(self, canary="web-canary", vs="web", rollout="web", subset=None):
        """Each committed VirtualService change that put weight w on a canary destination
        whose pods could not carry it: fewer than ceil(replicas * w / 100) available."""
        bad = []
        for s in self.states():
            if s.changed != ("virtualservices", vs):
                continue
            weights = s.route_weights(vs)
            key = canary if subset is None else f"{canary}/{subset[0]}"
            w = weights.get(key, 0)
            if w <= 0:
                continue
            h = s.selector_hash(canary) if subset is None else s.subset_hash(subset[1], subset[0])
            replicas = s.rollout(rollout).get("spec", {}).get("replicas", 1)
            needed = math.ceil(replicas * w / 100)
            if s.available(h) < needed:
                bad.append(f"rv {s.rv}: weight {w} on {h or 'all pods'} with {s.available(h)} "
                           f"available < {needed}")
        return bad

    def canary_scale_downs(self, canary_hash):
        """States right after the canary ReplicaSet's spec.replicas went down."""
        out = []
        prev = None
        for s in self.states():
            cur = s.spec_replicas(canary_hash)
            if prev is not None and cur < prev and s.changed[0] == "replicasets":
                out.append(s)
            prev = cur
        return out
