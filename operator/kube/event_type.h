// The two kinds of Kubernetes Event.
#ifndef SERIN_OPERATOR_KUBE_EVENT_TYPE_H_
#define SERIN_OPERATOR_KUBE_EVENT_TYPE_H_

#include <string_view>

namespace serin::kube {

enum class EventType { kNormal, kWarning };

inline std::string_view eventTypeName(EventType type) {
  return type == EventType::kWarning ? "Warning" : "Normal";
}

}  // namespace serin::kube

#endif  // SERIN_OPERATOR_KUBE_EVENT_TYPE_H_
