#include "tests/fakes/fake_kube_client.h"

#include "common/json_fields.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "operator/kube/api_status.h"

namespace serin::testing {

using kube::Resource;
using kube::WatchEvent;

namespace {

absl::Status apiError(int http, std::string_view reason, std::string message) {
  kube::HttpResponse r;
  r.status = http;
  r.body = nlohmann::json{{"kind", "Status"}, {"reason", reason}, {"message", message}}.dump();
  return kube::statusFromResponse(r, "fake");
}

std::string nsOf(const Resource& r, std::string_view ns) {
  return r.namespaced ? std::string(ns) : std::string();
}

}  // namespace

bool matchesLabelSelector(const nlohmann::json& labels, std::string_view selector) {
  size_t start = 0;
  while (start <= selector.size()) {
    size_t end = selector.find(',', start);
    if (end == std::string_view::npos) end = selector.size();
    std::string_view term = selector.substr(start, end - start);
    start = end + 1;
    if (term.empty()) {
      if (end == selector.size()) break;
      continue;
    }
    const size_t neq = term.find("!=");
    const size_t eq = term.find('=');
    if (neq != std::string_view::npos) {
      const std::string k(term.substr(0, neq)), v(term.substr(neq + 2));
      if (jsonString(labels, k, "\x01") == v) return false;
    } else if (eq != std::string_view::npos) {
      const size_t vstart = term.size() > eq + 1 && term[eq + 1] == '=' ? eq + 2 : eq + 1;
      const std::string k(term.substr(0, eq)), v(term.substr(vstart));
      if (jsonString(labels, k, "\x01") != v) return false;
    } else if (term[0] == '!') {
      if (jsonMember(labels, term.substr(1)) != nullptr) return false;
    } else {
      if (jsonMember(labels, term) == nullptr) return false;
    }
    if (end == selector.size()) break;
  }
  return true;
}

absl::Status FakeKubeClient::injected(const std::string& verb, const std::string& plural) {
  for (auto it = failures_.begin(); it != failures_.end(); ++it) {
    if (it->verb == verb && (it->plural.empty() || it->plural == plural)) {
      absl::Status s = it->status;
      if (--it->times <= 0) failures_.erase(it);
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status FakeKubeClient::fenced(const std::string& what) const {
  if (fence_ == nullptr) return absl::OkStatus();
  absl::Status s = fence_->checkWrite();
  if (s.ok()) return s;
  return absl::FailedPreconditionError(strCat(what, ": not sent: ", s.message()));
}

void FakeKubeClient::logAction(std::string verb, const Resource& r, std::string ns,
                               std::string name, std::string sub) {
  actions_.push_back({std::move(verb), r.plural, std::move(ns), std::move(name), std::move(sub)});
}

nlohmann::json FakeKubeClient::storeLocked(const Resource& resource, nlohmann::json object,
                                           WatchEvent::Type type) {
  auto& meta = object["metadata"];
  meta["resourceVersion"] = std::to_string(++rv_);
  const Key key{resource.plural, jsonString(meta, "namespace"), jsonString(meta, "name")};
  if (type == WatchEvent::Type::kDeleted) {
    objects_.erase(key);
  } else {
    objects_[key] = object;
  }
  history_.push_back({rv_, type, resource.plural, object});
  changed_.notify_all();
  return object;
}

nlohmann::json FakeKubeClient::seed(const Resource& resource, nlohmann::json object) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& meta = object["metadata"];
  if (!resource.namespaced) meta.erase("namespace");
  if (jsonString(meta, "uid").empty()) meta["uid"] = strCat("uid-", ++uid_);
  if (jsonString(meta, "creationTimestamp").empty()) meta["creationTimestamp"] = "2026-01-01T00:00:00Z";
  if (!jsonInt(meta, "generation")) meta["generation"] = 1;
  const Key key{resource.plural, jsonString(meta, "namespace"), jsonString(meta, "name")};
  const bool exists = objects_.count(key) > 0;
  return storeLocked(resource, std::move(object),
                     exists ? WatchEvent::Type::kModified : WatchEvent::Type::kAdded);
}

nlohmann::json FakeKubeClient::object(const Resource& resource, std::string_view ns,
                                      std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find({resource.plural, nsOf(resource, ns), std::string(name)});
  return it == objects_.end() ? nlohmann::json() : it->second;
}

std::vector<nlohmann::json> FakeKubeClient::objects(const Resource& resource) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<nlohmann::json> out;
  for (const auto& [key, obj] : objects_) {
    if (std::get<0>(key) == resource.plural) out.push_back(obj);
  }
  return out;
}

std::vector<FakeKubeClient::Action> FakeKubeClient::actions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return actions_;
}

void FakeKubeClient::clearActions() {
  std::lock_guard<std::mutex> lock(mu_);
  actions_.clear();
}

void FakeKubeClient::failNext(std::string verb, std::string plural, absl::Status status,
                              int times) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.push_back({std::move(verb), std::move(plural), std::move(status), times});
}

void FakeKubeClient::compact() {
  std::lock_guard<std::mutex> lock(mu_);
  compacted_rv_ = rv_;
  history_.clear();
}

void FakeKubeClient::blockWatches(bool blocked) {
  std::lock_guard<std::mutex> lock(mu_);
  watches_blocked_ = blocked;
  ++watch_epoch_;
  changed_.notify_all();
}

void FakeKubeClient::closeWatches() {
  std::lock_guard<std::mutex> lock(mu_);
  ++watch_epoch_;
  changed_.notify_all();
}

void FakeKubeClient::setFence(const kube::WriteFence* fence) {
  std::lock_guard<std::mutex> lock(mu_);
  fence_ = fence;
}

int64_t FakeKubeClient::resourceVersion() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rv_;
}

absl::StatusOr<nlohmann::json> FakeKubeClient::get(const Resource& resource, std::string_view ns,
                                                   std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(injected("get", resource.plural));
  auto it = objects_.find({resource.plural, nsOf(resource, ns), std::string(name)});
  if (it == objects_.end()) {
    return apiError(404, "NotFound", strCat(resource.plural, " \"", name, "\" not found"));
  }
  return it->second;
}

absl::StatusOr<std::string> FakeKubeClient::listEach(
    const Resource& resource, const kube::ListOptions& options,
    const std::function<void(nlohmann::json&&)>& on_item) {
  std::vector<nlohmann::json> items;
  std::string rv;
  {
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(injected("list", resource.plural));
    for (const auto& [key, obj] : objects_) {
      if (std::get<0>(key) != resource.plural) continue;
      if (!options.ns.empty() && std::get<1>(key) != options.ns) continue;
      if (!options.label_selector.empty() &&
          !matchesLabelSelector(jsonObject(jsonObject(obj, "metadata"), "labels"),
                                options.label_selector)) {
        continue;
      }
      items.push_back(obj);
    }
    rv = std::to_string(rv_);
  }
  for (auto& item : items) on_item(std::move(item));
  return rv;
}

absl::StatusOr<nlohmann::json> FakeKubeClient::create(const Resource& resource,
                                                      std::string_view ns,
                                                      const nlohmann::json& object) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(fenced("create"));
  RETURN_IF_ERROR(injected("create", resource.plural));
  nlohmann::json obj = object;
  auto& meta = obj["metadata"];
  std::string name = jsonString(meta, "name");
  const std::string generate = jsonString(meta, "generateName");
  if (name.empty() && !generate.empty()) name = strCat(generate, "x", ++uid_);
  if (name.empty()) return apiError(422, "Invalid", "metadata.name: Required value");
  meta["name"] = name;
  if (resource.namespaced) meta["namespace"] = std::string(ns);
  const Key key{resource.plural, nsOf(resource, ns), name};
  if (objects_.count(key)) {
    return apiError(409, "AlreadyExists", strCat(resource.plural, " \"", name, "\" already exists"));
  }
  meta["uid"] = strCat("uid-", ++uid_);
  meta["generation"] = 1;
  meta["creationTimestamp"] = "2026-01-01T00:00:00Z";
  logAction("create", resource, nsOf(resource, ns), name);
  return storeLocked(resource, std::move(obj), WatchEvent::Type::kAdded);
}

absl::StatusOr<nlohmann::json> FakeKubeClient::update(const Resource& resource,
                                                      const nlohmann::json& object,
                                                      std::string_view subresource) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(fenced("update"));
  RETURN_IF_ERROR(injected("update", resource.plural));
  const auto& meta = jsonObject(object, "metadata");
  const std::string ns = nsOf(resource, jsonString(meta, "namespace"));
  const std::string name = jsonString(meta, "name");
  auto it = objects_.find({resource.plural, ns, name});
  if (it == objects_.end()) return apiError(404, "NotFound", strCat(name, " not found"));
  const std::string want_rv = jsonString(meta, "resourceVersion");
  if (!want_rv.empty() && want_rv != jsonString(it->second["metadata"], "resourceVersion")) {
    return apiError(409, "Conflict",
                    "the object has been modified; please apply your changes to the latest version");
  }
  nlohmann::json next = it->second;
  if (subresource == "status") {
    next["status"] = object.contains("status") ? object["status"] : nlohmann::json::object();
  } else {
    const nlohmann::json status = next.value("status", nlohmann::json());
    const nlohmann::json old_spec = next.value("spec", nlohmann::json());
    next = object;
    next["metadata"]["uid"] = it->second["metadata"]["uid"];
    next["metadata"]["creationTimestamp"] = it->second["metadata"]["creationTimestamp"];
    next["metadata"]["generation"] = it->second["metadata"].value("generation", 1);
    if (!status.is_null()) next["status"] = status; else next.erase("status");
    if (next.value("spec", nlohmann::json()) != old_spec) {
      next["metadata"]["generation"] = next["metadata"]["generation"].get<int64_t>() + 1;
    }
  }
  logAction("update", resource, ns, name, std::string(subresource));
  return storeLocked(resource, std::move(next), WatchEvent::Type::kModified);
}

absl::StatusOr<nlohmann::json> FakeKubeClient::patch(const Resource& resource, std::string_view ns,
                                                     std::string_view name, kube::PatchType type,
                                                     const nlohmann::json& patch,
                                                     std::string_view subresource) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(fenced("patch"));
  RETURN_IF_ERROR(injected("patch", resource.plural));
  auto it = objects_.find({resource.plural, nsOf(resource, ns), std::string(name)});
  if (it == objects_.end()) return apiError(404, "NotFound", strCat(name, " not found"));
  // Like the API server: a resourceVersion in a merge patch is a precondition.
  if (type != kube::PatchType::kJson) {
    const std::string want = jsonString(jsonObject(patch, "metadata"), "resourceVersion");
    if (!want.empty() && want != jsonString(it->second["metadata"], "resourceVersion")) {
      return apiError(409, "Conflict", "the object has been modified; please apply your changes to the latest version");
    }
  }
  nlohmann::json next = it->second;
  try {
    if (type == kube::PatchType::kJson) {
      next = next.patch(patch);
    } else {
      next.merge_patch(patch);
    }
  } catch (const nlohmann::json::exception& e) {
    return apiError(422, "Invalid", e.what());
  }
  if (subresource != "status" && next.value("spec", nlohmann::json()) !=
                                     it->second.value("spec", nlohmann::json())) {
    next["metadata"]["generation"] = it->second["metadata"].value("generation", 1) + 1;
  }
  if (subresource == "status") {
    nlohmann::json only_status = it->second;
    only_status["status"] = next.value("status", nlohmann::json::object());
    next = only_status;
  } else if (it->second.contains("status")) {
    next["status"] = it->second["status"];
  }
  logAction("patch", resource, nsOf(resource, ns), std::string(name), std::string(subresource));
  return storeLocked(resource, std::move(next), WatchEvent::Type::kModified);
}

absl::Status FakeKubeClient::remove(const Resource& resource, std::string_view ns,
                                    std::string_view name, const kube::DeleteOptions& options) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(fenced("delete"));
  RETURN_IF_ERROR(injected("delete", resource.plural));
  auto it = objects_.find({resource.plural, nsOf(resource, ns), std::string(name)});
  if (it == objects_.end()) return apiError(404, "NotFound", strCat(name, " not found"));
  if (!options.precondition_uid.empty() &&
      jsonString(it->second["metadata"], "uid") != options.precondition_uid) {
    return apiError(409, "Conflict", "precondition failed: UID mismatch");
  }
  nlohmann::json gone = it->second;
  logAction("delete", resource, nsOf(resource, ns), std::string(name));
  storeLocked(resource, std::move(gone), WatchEvent::Type::kDeleted);
  return absl::OkStatus();
}

absl::Status FakeKubeClient::watch(const Resource& resource, const kube::WatchOptions& options,
                                   const std::function<bool(WatchEvent&&)>& on_event,
                                   kube::CancelToken& cancel) {
  int64_t from = 0;
  if (!options.resource_version.empty()) from = std::stoll(options.resource_version);
  std::unique_lock<std::mutex> lock(mu_);
  RETURN_IF_ERROR(injected("watch", resource.plural));
  if (watches_blocked_) return absl::UnavailableError("fake watch: connection refused");
  if (from < compacted_rv_) {
    nlohmann::json status = {{"kind", "Status"}, {"code", 410}, {"reason", "Expired"},
                             {"message", "too old resource version"}};
    lock.unlock();
    on_event({WatchEvent::Type::kError, status});
    return kube::statusFromWatchError(status.dump(), "fake watch");
  }
  const int64_t epoch = watch_epoch_;
  lock.unlock();
  cancel.onCancel([this] {
    std::lock_guard<std::mutex> l(mu_);
    changed_.notify_all();
  });
  lock.lock();
  size_t next = 0;
  for (;;) {
    // A closed watch delivers nothing stored after it was closed (as a real connection that
    // has ended): tests that close watches and then change objects rely on it.
    if (cancel.cancelled()) {
      lock.unlock();
      cancel.clearHook();
      return absl::CancelledError("watch cancelled");
    }
    if (watch_epoch_ != epoch) {
      lock.unlock();
      cancel.clearHook();
      return absl::OkStatus();
    }
    while (next < history_.size() && history_[next].rv <= from) ++next;
    std::vector<Event> batch;
    for (; next < history_.size(); ++next) {
      const Event& e = history_[next];
      if (e.plural != resource.plural) continue;
      const auto& meta = jsonObject(e.object, "metadata");
      if (!options.ns.empty() && jsonString(meta, "namespace") != options.ns) continue;
      if (!options.label_selector.empty() &&
          !matchesLabelSelector(jsonObject(meta, "labels"), options.label_selector)) {
        continue;
      }
      batch.push_back(e);
    }
    if (!history_.empty()) from = std::max(from, history_.back().rv);
    next = 0;
    lock.unlock();
    for (auto& e : batch) {
      if (!on_event({e.type, std::move(e.object)})) {
        cancel.clearHook();
        return absl::OkStatus();
      }
    }
    lock.lock();
    if (cancel.cancelled() || watch_epoch_ != epoch) continue;  // ends at the top
    changed_.wait_for(lock, std::chrono::milliseconds(50));
  }
}

}  // namespace serin::testing
