// Informer<T>: a local, always-current cache of one resource kind, kept by a Reflector.
//
// T is a typed projection of the object (only the fields serin reads), not a JSON tree:
// a tree costs about 6.5 times the object's JSON text. T must provide
//   static T fromJson(const nlohmann::json& object);  // never fails: lenient on odd input
//   const ObjectMeta& meta() const;
// Objects are shared as std::shared_ptr<const T>: readers never copy and never block the
// watch. Handlers run on the informer's thread, after the cache has changed; they should
// only enqueue keys (see WorkQueue).
#ifndef SERIN_OPERATOR_KUBE_INFORMER_H_
#define SERIN_OPERATOR_KUBE_INFORMER_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/notification.h"
#include "common/log.h"
#include "operator/kube/object_meta.h"
#include "operator/kube/reflector.h"

namespace serin::kube {

struct InformerOptions {
  ReflectorOptions reflector;
  // When positive, every object is handed to on_update(obj, obj) this often, so a
  // controller re-checks state that changes with time only.
  absl::Duration resync = absl::ZeroDuration();
};

namespace informer_internal {

// The key of a cached object: views of the namespace and name inside the object itself, so
// an entry costs no copy of either. Whoever stores one keeps the object it views alive
// (the map entry's own value) and re-points it with `viewing` when that value is replaced
// by an equal-keyed object; the views are `mutable` so that can be done in place (the order
// is unchanged, the text being equal).
struct KeyView {
  mutable std::string_view ns;
  mutable std::string_view name;

  static KeyView of(const ObjectMeta& meta) { return {meta.ns, meta.name}; }
  void viewing(const ObjectMeta& meta) const {
    ns = meta.ns;
    name = meta.name;
  }
  friend bool operator==(const KeyView& a, const KeyView& b) {
    return a.ns == b.ns && a.name == b.name;
  }
  friend auto operator<=>(const KeyView& a, const KeyView& b) {
    if (auto c = a.ns <=> b.ns; c != 0) return c;
    return a.name <=> b.name;
  }
};

}  // namespace informer_internal

template <typename T>
class Informer final : private ReflectorSink {
 public:
  using Ptr = std::shared_ptr<const T>;
  struct Handlers {
    std::function<void(const Ptr&)> on_add;
    std::function<void(const Ptr& old_obj, const Ptr& new_obj)> on_update;
    std::function<void(const Ptr&)> on_delete;
  };

  // The client and logger must outlive the informer.
  Informer(KubeClient& client, Resource resource, InformerOptions options, const Logger& log)
      : options_(options), reflector_(client, std::move(resource), options.reflector, *this, log) {}
  ~Informer() override { stop(); }
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Registers handlers; call before start().
  void addHandlers(Handlers handlers) { handlers_.push_back(std::move(handlers)); }

  void start() {
    thread_ = std::thread([this] { reflector_.run(); });
    if (options_.resync > absl::ZeroDuration()) {
      resync_thread_ = std::thread([this] { resyncLoop(); });
    }
  }
  // Stops watching and joins the threads. The cache keeps its last contents. Idempotent.
  void stop() {
    reflector_.stop();
    if (!stopped_.HasBeenNotified()) stopped_.Notify();
    if (thread_.joinable()) thread_.join();
    if (resync_thread_.joinable()) resync_thread_.join();
  }

  bool hasSynced() const { return reflector_.hasSynced(); }
  bool waitForSync(absl::Duration timeout) const {
    const absl::Time deadline = absl::Now() + timeout;
    while (!hasSynced()) {
      if (absl::Now() >= deadline) return false;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return true;
  }

  Ptr get(std::string_view ns, std::string_view name) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(KeyView{ns, name});
    return it == objects_.end() ? nullptr : it->second;
  }
  // Every cached object, or those of one namespace, in name order.
  std::vector<Ptr> list(std::string_view ns = "") const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Ptr> out;
    if (ns.empty()) {
      out.reserve(objects_.size());
      for (const auto& [key, obj] : objects_) out.push_back(obj);
      return out;
    }
    for (auto it = objects_.lower_bound(KeyView{ns, ""});
         it != objects_.end() && it->first.ns == ns; ++it) {
      out.push_back(it->second);
    }
    return out;
  }
  // The objects whose ownerReferences name `owner_uid`.
  std::vector<Ptr> listByOwner(std::string_view owner_uid) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Ptr> out;
    auto it = by_owner_.find(std::string(owner_uid));
    if (it == by_owner_.end()) return out;
    for (const KeyView& key : it->second) {
      auto obj = objects_.find(key);
      if (obj != objects_.end()) out.push_back(obj->second);
    }
    return out;
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return objects_.size();
  }
  const Reflector& reflector() const { return reflector_; }

 private:
  // ---- ReflectorSink: called on the reflector's thread ----
  void beginList() override { pending_.clear(); }
  void listed(nlohmann::json&& object) override {
    stripNoise(object);
    auto obj = std::make_shared<const T>(T::fromJson(object));
    const KeyView key = KeyView::of(obj->meta());
    pending_.emplace(key, std::move(obj));
  }
  void abortList() override { pending_.clear(); }
  void endList() override {
    std::vector<Ptr> added, deleted;
    std::vector<std::pair<Ptr, Ptr>> updated;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [key, obj] : pending_) {
        auto it = objects_.find(key);
        if (it == objects_.end()) {
          added.push_back(obj);
        } else if (it->second->meta().resource_version != obj->meta().resource_version) {
          updated.emplace_back(it->second, obj);
        } else {
          obj = it->second;  // unchanged: keep the cached instance
          key.viewing(obj->meta());
        }
      }
      for (const auto& [key, obj] : objects_) {
        if (!pending_.count(key)) deleted.push_back(obj);
      }
      objects_.swap(pending_);
      pending_.clear();
      rebuildOwnerIndex();
    }
    for (const auto& obj : added) notifyAdd(obj);
    for (const auto& [old_obj, new_obj] : updated) notifyUpdate(old_obj, new_obj);
    for (const auto& obj : deleted) notifyDelete(obj);
  }
  void applyEvent(WatchEvent::Type type, nlohmann::json&& object) override {
    stripNoise(object);
    auto obj = std::make_shared<const T>(T::fromJson(object));
    const KeyView key = KeyView::of(obj->meta());
    Ptr old_obj;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = objects_.find(key);
      if (it != objects_.end()) old_obj = it->second;
      if (old_obj) unindex(old_obj);
      if (type == WatchEvent::Type::kDeleted) {
        if (it != objects_.end()) objects_.erase(it);
      } else if (it != objects_.end()) {
        it->second = obj;
        it->first.viewing(obj->meta());
        index(obj);
      } else {
        objects_.emplace(key, obj);
        index(obj);
      }
    }
    if (type == WatchEvent::Type::kDeleted) {
      // Deliver what the cache held (or, if the add was never seen, the final state).
      notifyDelete(old_obj ? old_obj : obj);
    } else if (old_obj) {
      if (old_obj->meta().resource_version != obj->meta().resource_version) {
        notifyUpdate(old_obj, obj);
      }
    } else {
      notifyAdd(obj);
    }
  }

  void index(const Ptr& obj) {
    for (const auto& owner : obj->meta().owners) {
      by_owner_[owner.uid].insert(KeyView::of(obj->meta()));
    }
  }
  void unindex(const Ptr& obj) {
    for (const auto& owner : obj->meta().owners) {
      auto it = by_owner_.find(owner.uid);
      if (it == by_owner_.end()) continue;
      it->second.erase(KeyView::of(obj->meta()));
      if (it->second.empty()) by_owner_.erase(it);
    }
  }
  void rebuildOwnerIndex() {
    by_owner_.clear();
    for (const auto& [key, obj] : objects_) index(obj);
  }

  void notifyAdd(const Ptr& obj) {
    for (auto& h : handlers_) if (h.on_add) h.on_add(obj);
  }
  void notifyUpdate(const Ptr& old_obj, const Ptr& new_obj) {
    for (auto& h : handlers_) if (h.on_update) h.on_update(old_obj, new_obj);
  }
  void notifyDelete(const Ptr& obj) {
    for (auto& h : handlers_) if (h.on_delete) h.on_delete(obj);
  }

  void resyncLoop() {
    while (!stopped_.WaitForNotificationWithTimeout(options_.resync)) {
      for (const Ptr& obj : list()) notifyUpdate(obj, obj);
    }
  }

  const InformerOptions options_;
  Reflector reflector_;
  std::vector<Handlers> handlers_;
  absl::Notification stopped_;
  std::thread thread_;
  std::thread resync_thread_;

  using KeyView = informer_internal::KeyView;

  // Each key views the object it maps to. Memory per object is the point of this class: a
  // node here and, for owned objects, one in by_owner_, neither copying a string.
  mutable std::mutex mu_;
  std::map<KeyView, Ptr> objects_;                         // guarded by mu_
  // Owner uid -> the keys of its dependents, viewing objects held in objects_; every change
  // to objects_ unindexes the object it drops before the object can go.
  std::map<std::string, std::set<KeyView>> by_owner_;      // guarded by mu_
  std::map<KeyView, Ptr> pending_;  // the list in progress; reflector thread only
};

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_INFORMER_H_
