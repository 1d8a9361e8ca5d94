#include "operator/rollout/pod_template_hash.h"

#include "operator/rollout/keys.h"

namespace serin::rollout {
namespace {

uint32_t fnv1a(std::string_view text, uint32_t h = 2166136261u) {
  for (unsigned char c : text) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

// Maps each decimal digit to a consonant or digit that cannot spell words, as Kubernetes
// does for its own pod-template hashes.
std::string safeEncode(uint32_t value) {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string digits = std::to_string(value);
  for (char& c : digits) c = kAlphabet[static_cast<unsigned char>(c) % (sizeof(kAlphabet) - 1)];
  return digits;
}

}  // namespace

std::string podTemplateHash(const nlohmann::json& pod_template, int32_t collision_count) {
  nlohmann::json canonical = pod_template;
  if (canonical.is_object()) {
    auto meta = canonical.find("metadata");
    if (meta != canonical.end() && meta->is_object()) {
      auto labels = meta->find("labels");
      if (labels != meta->end() && labels->is_object()) {
        labels->erase(std::string(kPodTemplateHashLabel));
        if (labels->empty()) meta->erase("labels");
      }
      if (meta->empty()) canonical.erase("metadata");
    }
  }
  uint32_t h = fnv1a(canonical.dump());
  if (collision_count > 0) h = fnv1a(std::to_string(collision_count), h);
  return safeEncode(h);
}

std::string shortHash(std::string_view text) { return safeEncode(fnv1a(text)); }

}  // namespace serin::rollout
