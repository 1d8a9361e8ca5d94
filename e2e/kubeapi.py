"""A tiny Kubernetes REST client for the e2e scripts, the traffic fixture and the tests.

Standard library only: HTTPS with the client certificate of the local environment's
kubeconfig material. It exists so the fixture can watch without kubectl and the tests can
record the order of changes; serin itself never uses it.
"""
import http.client
import json
import ssl
import threading
import time
import urllib.parse


class ApiError(Exception):
    def __init__(self, status, body):
        self.status = status
        self.body = body
        try:
            message = json.loads(body).get("message", body)
        except (ValueError, AttributeError):
            message = body
        super().__init__(f"HTTP {status}: {message}")


# (group, version, plural, namespaced) for the kinds the e2e code reads.
RESOURCES = {
    "pods": ("", "v1", "pods", True),
    "services": ("", "v1", "services", True),
    "configmaps": ("", "v1", "configmaps", True),
    "serviceaccounts": ("", "v1", "serviceaccounts", True),
    "secrets": ("", "v1", "secrets", True),
    "nodes": ("", "v1", "nodes", False),
    "namespaces": ("", "v1", "namespaces", False),
    "events": ("", "v1", "events", True),
    "replicasets": ("apps", "v1", "replicasets", True),
    "leases": ("coordination.k8s.io", "v1", "leases", True),
    "virtualservices": ("networking.istio.io", "v1alpha3", "virtualservices", True),
    "destinationrules": ("networking.istio.io", "v1alpha3", "destinationrules", True),
    "customresourcedefinitions": ("apiextensions.k8s.io", "v1", "customresourcedefinitions", False),
    "rollouts": ("serin.io", "v1alpha1", "rollouts", True),
    "analysisruns": ("serin.io", "v1alpha1", "analysisruns", True),
    "analysistemplates": ("serin.io", "v1alpha1", "analysistemplates", True),
    "clusteranalysistemplates": ("serin.io", "v1alpha1", "clusteranalysistemplates", False),
}


def resource_path(resource, namespace=None, name=None, subresource=None):
    group, version, plural, namespaced = RESOURCES[resource] if isinstance(resource, str) else resource
    base = f"/api/{version}" if group == "" else f"/apis/{group}/{version}"
    if namespaced and namespace:
        base += f"/namespaces/{namespace}"
    base += f"/{plural}"
    if name:
        base += f"/{name}"
    if subresource:
        base += f"/{subresource}"
    return base


class Client:
    def __init__(self, server, ca_file, cert_file, key_file, user_agent="serin-e2e"):
        url = urllib.parse.urlparse(server)
        self.host = url.hostname
        self.port = url.port or 443
        self.user_agent = user_agent
        self.ctx = ssl.create_default_context(cafile=ca_file)
        self.ctx.load_cert_chain(cert_file, key_file)

    def _conn(self, timeout):
        return http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=timeout)

    def request(self, method, path, body=None, content_type="application/json", timeout=30):
        conn = self._conn(timeout)
        try:
            headers = {"Accept": "application/json", "User-Agent": self.user_agent}
            data = None
            if body is not None:
                data = body if isinstance(body, (bytes, str)) else json.dumps(body)
                headers["Content-Type"] = content_type
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", "replace")
            if resp.status >= 300:
                raise ApiError(resp.status, text)
            return json.loads(text) if text else None
        finally:
            conn.close()

    def get(self, resource, namespace=None, name=None):
        return self.request("GET", resource_path(resource, namespace, name))

    def get_or_none(self, resource, namespace=None, name=None):
        try:
            return self.get(resource, namespace, name)
        except ApiError as e:
            if e.status == 404:
                return None
            raise

    def list(self, resource, namespace=None, label_selector=None):
        path = resource_path(resource, namespace)
        if label_selector:
            path += "?labelSelector=" + urllib.parse.quote(label_selector)
        return self.request("GET", path)

    def create(self, resource, namespace, obj):
        return self.request("POST", resource_path(resource, namespace), obj)

    def replace(self, resource, namespace, name, obj):
        return self.request("PUT", resource_path(resource, namespace, name), obj)

    def merge_patch(self, resource, namespace, name, patch, subresource=None):
        return self.request("PATCH", resource_path(resource, namespace, name, subresource), patch,
                            content_type="application/merge-patch+json")

    def json_patch(self, resource, namespace, name, ops, subresource=None):
        return self.request("PATCH", resource_path(resource, namespace, name, subresource), ops,
                            content_type="application/json-patch+json")

    def delete(self, resource, namespace, name):
        try:
            return self.request("DELETE", resource_path(resource, namespace, name))
        except ApiError as e:
            if e.status != 404:
                raise
            return None

    def watch_lines(self, resource, resource_version, timeout_seconds=60, label_selector=None,
                    namespace=None):
        """Yields decoded watch events until the server closes the stream."""
        q = {"watch": "1", "resourceVersion": resource_version, "allowWatchBookmarks": "true",
             "timeoutSeconds": str(timeout_seconds)}
        if label_selector:
            q["labelSelector"] = label_selector
        path = resource_path(resource, namespace) + "?" + urllib.parse.urlencode(q)
        conn = self._conn(timeout_seconds + 15)
        try:
            conn.request("GET", path, headers={"Accept": "application/json",
                                               "User-Agent": self.user_agent})
            resp = conn.getresponse()
            if resp.status >= 300:
                raise ApiError(resp.status, resp.read().decode("utf-8", "replace"))
            while True:
                line = resp.readline()
                if not line:
                    return
                line = line.strip()
                if line:
                    yield json.loads(line)
        finally:
            conn.close()


class Informer:
    """Keeps an up-to-date map of one resource kind across all namespaces.

    List, then watch from the list's resourceVersion; on any error (or a 410 Gone) list
    again. `on_change` is called after every applied event with no arguments.
    """

    def __init__(self, client, resource, on_change=None, label_selector=None, namespace=None,
                 on_event=None):
        self.client = client
        self.resource = resource
        self.on_change = on_change or (lambda: None)
        self.on_event = on_event  # called with (type, object) for every event, list items as ADDED
        self.label_selector = label_selector
        self.namespace = namespace
        self.lock = threading.Lock()
        self.items = {}  # (namespace, name) -> object
        self.synced = threading.Event()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"informer-{resource}", daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopped.set()

    def snapshot(self):
        with self.lock:
            return list(self.items.values())

    @staticmethod
    def _key(obj):
        md = obj.get("metadata", {})
        return (md.get("namespace", ""), md.get("name", ""))

    def _run(self):
        while not self.stopped.is_set():
            try:
                listing = self.client.list(self.resource, self.namespace, label_selector=self.label_selector)
                with self.lock:
                    self.items = {self._key(o): o for o in listing.get("items", [])}
                if self.on_event:
                    for o in listing.get("items", []):
                        self.on_event("ADDED", o)
                rv = listing["metadata"]["resourceVersion"]
                self.synced.set()
                self.on_change()
                while not self.stopped.is_set():
                    gone = False
                    for ev in self.client.watch_lines(self.resource, rv, 30, self.label_selector,
                                                      self.namespace):
                        kind, obj = ev.get("type"), ev.get("object", {})
                        if kind == "ERROR":
                            gone = True
                            break
                        rv = obj.get("metadata", {}).get("resourceVersion", rv)
                        if kind == "BOOKMARK":
                            continue
                        with self.lock:
                            if kind == "DELETED":
                                self.items.pop(self._key(obj), None)
                            else:
                                self.items[self._key(obj)] = obj
                        if self.on_event:
                            self.on_event(kind, obj)
                        self.on_change()
                    if gone:
                        break
            except Exception:  # noqa: BLE001 - any failure means: list again after a pause
                if self.stopped.wait(0.5):
                    return


def wait_for(predicate, timeout, interval=0.1, what="condition"):
    """Polls `predicate` until it returns a truthy value; raises TimeoutError naming `what`."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # noqa: BLE001
            last_error = e
        time.sleep(interval)
    detail = f" (last error: {last_error})" if last_error else ""
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}{detail}")
