#include "analysis/expr/value.h"

#include <cstdio>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "analysis/expr/numbers.h"

namespace serin::expr {
namespace {

// Zero values returned by accessors whose precondition is violated. Immutable, so sharing
// them between threads is safe.
const std::string& emptyString() {
  static const std::string* const kEmpty = new std::string();
  return *kEmpty;
}
const Value::List& emptyList() {
  static const Value::List* const kEmpty = new Value::List();
  return *kEmpty;
}
const Value::Map& emptyMap() {
  static const Value::Map* const kEmpty = new Value::Map();
  return *kEmpty;
}

void appendQuoted(std::string& out, std::string_view s, size_t limit) {
  out += '"';
  for (char c : s) {
    if (out.size() >= limit) return;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned char>(c));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// Appends the debug text of `v`, stopping early (mid-value) once `out` reaches `limit`
// bytes, so describing a huge list in an error message costs little.
void appendDebug(std::string& out, const Value& v, size_t limit) {
  if (out.size() >= limit) return;
  switch (v.kind()) {
    case Value::Kind::kNil:
      out += "nil";
      return;
    case Value::Kind::kBool:
      out += v.asBool() ? "true" : "false";
      return;
    case Value::Kind::kInt:
      out += std::to_string(v.asInt());
      return;
    case Value::Kind::kFloat:
      out += formatFloat(v.asFloat());
      return;
    case Value::Kind::kString:
      appendQuoted(out, v.asString(), limit);
      return;
    case Value::Kind::kList: {
      out += '[';
      bool first = true;
      for (const Value& element : v.asList()) {
        if (out.size() >= limit) return;
        if (!first) out += ", ";
        first = false;
        appendDebug(out, element, limit);
      }
      out += ']';
      return;
    }
    case Value::Kind::kMap: {
      out += '{';
      bool first = true;
      for (const auto& [key, element] : v.asMap()) {
        if (out.size() >= limit) return;
        if (!first) out += ", ";
        first = false;
        appendQuoted(out, key, limit);
        out += ": ";
        appendDebug(out, element, limit);
      }
      out += '}';
      return;
    }
  }
}

Value fromJsonAt(const nlohmann::json& j, int depth) {
  using Type = nlohmann::json::value_t;
  switch (j.type()) {
    case Type::null:
      return Value();
    case Type::boolean:
      return Value(j.get<bool>());
    case Type::number_integer:
      return Value(j.get<int64_t>());
    case Type::number_unsigned: {
      auto u = j.get<uint64_t>();
      if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return Value(static_cast<int64_t>(u));
      }
      return Value(static_cast<double>(u));
    }
    case Type::number_float:
      return Value(j.get<double>());
    case Type::string:
      return Value(j.get<std::string>());
    case Type::array: {
      if (depth >= Value::kMaxJsonDepth) return Value();
      Value::List list;
      list.reserve(j.size());
      for (const auto& element : j) list.push_back(fromJsonAt(element, depth + 1));
      return Value(std::move(list));
    }
    case Type::object: {
      if (depth >= Value::kMaxJsonDepth) return Value();
      Value::Map map;
      for (const auto& [key, element] : j.items()) map.emplace(key, fromJsonAt(element, depth + 1));
      return Value(std::move(map));
    }
    case Type::binary:
    case Type::discarded:
      return Value();
  }
  return Value();
}

}  // namespace

Value::Value() = default;
Value::Value(bool b) : storage_(b) {}
Value::Value(int i) : storage_(int64_t{i}) {}
Value::Value(int64_t i) : storage_(i) {}
Value::Value(double d) : storage_(d) {}
Value::Value(std::string s) : storage_(std::make_shared<const std::string>(std::move(s))) {}
Value::Value(const char* s) : Value(std::string(s == nullptr ? "" : s)) {}
Value::Value(List list) : storage_(std::make_shared<const List>(std::move(list))) {}
Value::Value(Map map) : storage_(std::make_shared<const Map>(std::move(map))) {}

Value::Kind Value::kind() const { return static_cast<Kind>(storage_.index()); }

bool Value::asBool() const {
  const bool* b = std::get_if<bool>(&storage_);
  return b != nullptr && *b;
}

int64_t Value::asInt() const {
  const int64_t* i = std::get_if<int64_t>(&storage_);
  return i == nullptr ? 0 : *i;
}

double Value::asFloat() const {
  const double* d = std::get_if<double>(&storage_);
  return d == nullptr ? 0.0 : *d;
}

const std::string& Value::asString() const {
  const auto* s = std::get_if<std::shared_ptr<const std::string>>(&storage_);
  return s == nullptr ? emptyString() : **s;
}

const Value::List& Value::asList() const {
  const auto* l = std::get_if<std::shared_ptr<const List>>(&storage_);
  return l == nullptr ? emptyList() : **l;
}

const Value::Map& Value::asMap() const {
  const auto* m = std::get_if<std::shared_ptr<const Map>>(&storage_);
  return m == nullptr ? emptyMap() : **m;
}

double Value::toDouble() const {
  if (kind() == Kind::kInt) return static_cast<double>(asInt());
  if (kind() == Kind::kFloat) return asFloat();
  return std::numeric_limits<double>::quiet_NaN();
}

std::string Value::debugString() const {
  std::string out;
  appendDebug(out, *this, std::numeric_limits<size_t>::max());
  return out;
}

std::string describeValue(const Value& v) {
  if (v.isNil()) return "nil";
  constexpr size_t kLimit = 60;
  std::string text;
  appendDebug(text, v, kLimit);
  if (text.size() > kLimit) {
    text.resize(kLimit);
    text += "...";
  }
  std::string out(kindName(v.kind()));
  out += " (";
  out += text;
  out += ')';
  return out;
}

Value Value::fromJson(const nlohmann::json& j) {
  // The conversions above check types before reading, so nlohmann has nothing to throw;
  // the catch keeps the "never throws" promise should that ever change (or memory run out).
  try {
    return fromJsonAt(j, 0);
  } catch (const std::exception&) {
    return Value();
  }
}

bool operator==(const Value& a, const Value& b) {
  using Kind = Value::Kind;
  if (a.isNumber() && b.isNumber()) return compareNumbers(a, b) == 0;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::kNil:
      return true;
    case Kind::kBool:
      return a.asBool() == b.asBool();
    case Kind::kString:
      return a.asString() == b.asString();
    case Kind::kList: {
      const Value::List& x = a.asList();
      const Value::List& y = b.asList();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!(x[i] == y[i])) return false;
      }
      return true;
    }
    case Kind::kMap: {
      const Value::Map& x = a.asMap();
      const Value::Map& y = b.asMap();
      if (x.size() != y.size()) return false;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        if (i->first != j->first || !(i->second == j->second)) return false;
      }
      return true;
    }
    case Kind::kInt:
    case Kind::kFloat:
      break;  // handled above
  }
  return false;
}

std::string_view kindName(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNil:
      return "nil";
    case Value::Kind::kBool:
      return "bool";
    case Value::Kind::kInt:
      return "int";
    case Value::Kind::kFloat:
      return "float";
    case Value::Kind::kString:
      return "string";
    case Value::Kind::kList:
      return "list";
    case Value::Kind::kMap:
      return "map";
  }
  return "unknown";
}

}  // namespace serin::expr
