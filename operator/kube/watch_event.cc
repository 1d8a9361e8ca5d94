#include "operator/kube/watch_event.h"

#include <optional>
#include <utility>

#include "common/json_fields.h"
#include "common/strings.h"

namespace serin::kube {
namespace {

std::optional<WatchEvent::Type> eventType(std::string_view type) {
  if (type == "ADDED") return WatchEvent::Type::kAdded;
  if (type == "MODIFIED") return WatchEvent::Type::kModified;
  if (type == "DELETED") return WatchEvent::Type::kDeleted;
  if (type == "BOOKMARK") return WatchEvent::Type::kBookmark;
  if (type == "ERROR") return WatchEvent::Type::kError;
  return std::nullopt;
}

}  // namespace

absl::StatusOr<WatchEvent> decodeWatchEvent(std::string_view line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return absl::InvalidArgumentError(j.is_discarded() ? "the line is not JSON"
                                                       : "the line is not a JSON object");
  }
  const std::string type_name = jsonString(j, "type");
  const std::optional<WatchEvent::Type> type = eventType(type_name);
  if (!type) {
    return absl::InvalidArgumentError(
        strCat("unknown event type \"", type_name.substr(0, 40), "\""));
  }
  WatchEvent event{*type, nullptr};
  auto object = j.find("object");
  if (object != j.end()) event.object = std::move(*object);
  if (*type != WatchEvent::Type::kError && !event.object.is_object()) {
    return absl::InvalidArgumentError(strCat(type_name, " event without an object"));
  }
  return event;
}

}  // namespace serin::kube
