#include "analysis/model/status_json.h"

#include <limits>
#include <utility>

#include "analysis/model/json_reader.h"
#include "analysis/model/timestamp.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace serin::analysis {
namespace {

constexpr size_t kMaxListItems = 1000;
constexpr int64_t kMaxCounter = std::numeric_limits<int32_t>::max();

void putTime(nlohmann::json& j, const char* key, const std::optional<absl::Time>& t) {
  if (t.has_value()) j[key] = formatTimestamp(*t);
}

void putCount(nlohmann::json& j, const char* key, int64_t v) {
  if (v != 0) j[key] = v;
}

void putMap(nlohmann::json& j, const char* key, const std::map<std::string, std::string>& m) {
  if (m.empty()) return;
  nlohmann::json o = nlohmann::json::object();
  for (const auto& [k, v] : m) o[k] = v;
  j[key] = std::move(o);
}

nlohmann::json summaryToJson(const RunSummary& s) {
  nlohmann::json j = nlohmann::json::object();
  putCount(j, "count", s.count);
  putCount(j, "successful", s.successful);
  putCount(j, "failed", s.failed);
  putCount(j, "inconclusive", s.inconclusive);
  putCount(j, "error", s.error);
  return j;
}

nlohmann::json measurementToJson(const Measurement& m) {
  nlohmann::json j = {{"phase", std::string(phaseName(m.phase))}};
  if (!m.message.empty()) j["message"] = m.message;
  putTime(j, "startedAt", m.startedAt);
  putTime(j, "finishedAt", m.finishedAt);
  if (!m.value.empty()) j["value"] = m.value;
  putMap(j, "metadata", m.metadata);
  putTime(j, "resumeAt", m.resumeAt);
  return j;
}

nlohmann::json resultToJson(const MetricResult& r) {
  nlohmann::json j = {{"name", r.name}, {"phase", std::string(phaseName(r.phase))}};
  if (!r.measurements.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const Measurement& m : r.measurements) list.push_back(measurementToJson(m));
    j["measurements"] = std::move(list);
  }
  if (!r.message.empty()) j["message"] = r.message;
  putCount(j, "count", r.count);
  putCount(j, "successful", r.successful);
  putCount(j, "failed", r.failed);
  putCount(j, "inconclusive", r.inconclusive);
  putCount(j, "error", r.error);
  putCount(j, "consecutiveError", r.consecutiveError);
  putCount(j, "consecutiveSuccess", r.consecutiveSuccess);
  if (r.dryRun) j["dryRun"] = true;
  putMap(j, "metadata", r.metadata);
  return j;
}

absl::StatusOr<AnalysisPhase> readPhase(const ObjectReader& r) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, r.optionalString("phase"));
  absl::StatusOr<AnalysisPhase> phase = parsePhase(text.value_or(""));
  if (!phase.ok()) return fieldError(r.pathOf("phase"), fromAbsl(phase.status().message()));
  return *phase;
}

absl::StatusOr<std::optional<absl::Time>> readTime(const ObjectReader& r, std::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, r.optionalString(key));
  if (!text.has_value() || text->empty()) return std::optional<absl::Time>();
  absl::StatusOr<absl::Time> t = parseTimestamp(*text);
  if (!t.ok()) return fieldError(r.pathOf(key), fromAbsl(t.status().message()));
  return std::optional<absl::Time>(*t);
}

absl::Status readCount(const ObjectReader& r, std::string_view key, int64_t& out) {
  ASSIGN_OR_RETURN(std::optional<int64_t> v, r.optionalInteger(key, 0, kMaxCounter));
  out = v.value_or(0);
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, std::string>> readMap(const ObjectReader& r,
                                                           std::string_view key) {
  std::map<std::string, std::string> out;
  const nlohmann::json* v = r.find(key);
  if (v == nullptr) return out;
  ASSIGN_OR_RETURN(ObjectReader m, ObjectReader::open(*v, r.pathOf(key)));
  for (const auto& [k, value] : v->items()) {
    if (!value.is_string()) {
      return fieldError(m.pathOf(k), strCat("must be a string, not ", jsonTypeName(value)));
    }
    out.emplace(k, value.get<std::string>());
  }
  return out;
}

absl::StatusOr<RunSummary> readSummary(const nlohmann::json& j, const std::string& path) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(j, path));
  RunSummary s;
  RETURN_IF_ERROR(readCount(r, "count", s.count));
  RETURN_IF_ERROR(readCount(r, "successful", s.successful));
  RETURN_IF_ERROR(readCount(r, "failed", s.failed));
  RETURN_IF_ERROR(readCount(r, "inconclusive", s.inconclusive));
  RETURN_IF_ERROR(readCount(r, "error", s.error));
  return s;
}

absl::StatusOr<Measurement> readMeasurement(const nlohmann::json& j, const std::string& path) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(j, path));
  Measurement m;
  ASSIGN_OR_RETURN(m.phase, readPhase(r));
  ASSIGN_OR_RETURN(std::optional<std::string> message, r.optionalString("message"));
  m.message = message.value_or("");
  ASSIGN_OR_RETURN(m.startedAt, readTime(r, "startedAt"));
  ASSIGN_OR_RETURN(m.finishedAt, readTime(r, "finishedAt"));
  ASSIGN_OR_RETURN(std::optional<std::string> value, r.optionalString("value"));
  m.value = value.value_or("");
  ASSIGN_OR_RETURN(m.metadata, readMap(r, "metadata"));
  ASSIGN_OR_RETURN(m.resumeAt, readTime(r, "resumeAt"));
  return m;
}

absl::StatusOr<MetricResult> readResult(const nlohmann::json& j, const std::string& path) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(j, path));
  MetricResult m;
  ASSIGN_OR_RETURN(m.name, r.requiredString("name"));
  ASSIGN_OR_RETURN(m.phase, readPhase(r));
  RETURN_IF_ERROR(r.forEach("measurements", kMaxListItems,
                            [&](const nlohmann::json& e, const std::string& at) -> absl::Status {
                              ASSIGN_OR_RETURN(Measurement x, readMeasurement(e, at));
                              m.measurements.push_back(std::move(x));
                              return absl::OkStatus();
                            }));
  ASSIGN_OR_RETURN(std::optional<std::string> message, r.optionalString("message"));
  m.message = message.value_or("");
  RETURN_IF_ERROR(readCount(r, "count", m.count));
  RETURN_IF_ERROR(readCount(r, "successful", m.successful));
  RETURN_IF_ERROR(readCount(r, "failed", m.failed));
  RETURN_IF_ERROR(readCount(r, "inconclusive", m.inconclusive));
  RETURN_IF_ERROR(readCount(r, "error", m.error));
  RETURN_IF_ERROR(readCount(r, "consecutiveError", m.consecutiveError));
  RETURN_IF_ERROR(readCount(r, "consecutiveSuccess", m.consecutiveSuccess));
  ASSIGN_OR_RETURN(m.dryRun, r.boolean("dryRun", false));
  ASSIGN_OR_RETURN(m.metadata, readMap(r, "metadata"));
  return m;
}

absl::StatusOr<AnalysisRunStatus> readStatus(const nlohmann::json& j) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(j, "status"));
  AnalysisRunStatus s;
  ASSIGN_OR_RETURN(s.phase, readPhase(r));
  ASSIGN_OR_RETURN(std::optional<std::string> message, r.optionalString("message"));
  s.message = message.value_or("");
  RETURN_IF_ERROR(r.forEach("metricResults", kMaxListItems,
                            [&](const nlohmann::json& e, const std::string& at) -> absl::Status {
                              ASSIGN_OR_RETURN(MetricResult x, readResult(e, at));
                              s.metricResults.push_back(std::move(x));
                              return absl::OkStatus();
                            }));
  ASSIGN_OR_RETURN(s.startedAt, readTime(r, "startedAt"));
  if (const nlohmann::json* v = r.find("runSummary")) {
    ASSIGN_OR_RETURN(s.runSummary, readSummary(*v, r.pathOf("runSummary")));
  }
  if (const nlohmann::json* v = r.find("dryRunSummary")) {
    ASSIGN_OR_RETURN(s.dryRunSummary, readSummary(*v, r.pathOf("dryRunSummary")));
  }
  ASSIGN_OR_RETURN(s.completedAt, readTime(r, "completedAt"));
  return s;
}

}  // namespace

nlohmann::json toJson(const AnalysisRunStatus& s) {
  nlohmann::json j = {{"phase", std::string(phaseName(s.phase))}};
  if (!s.message.empty()) j["message"] = s.message;
  if (!s.metricResults.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const MetricResult& r : s.metricResults) list.push_back(resultToJson(r));
    j["metricResults"] = std::move(list);
  }
  putTime(j, "startedAt", s.startedAt);
  j["runSummary"] = summaryToJson(s.runSummary);
  if (s.dryRunSummary.has_value()) j["dryRunSummary"] = summaryToJson(*s.dryRunSummary);
  putTime(j, "completedAt", s.completedAt);
  return j;
}

absl::StatusOr<AnalysisRunStatus> parseAnalysisRunStatus(const nlohmann::json& status) {
  try {
    return readStatus(status);
  } catch (const std::exception& e) {
    return absl::InternalError(strCat("reading the status failed: ", e.what()));
  }
}

}  // namespace serin::analysis
