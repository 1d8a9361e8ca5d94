// The values a condition computes with: what a metric provider returns (`result`) and what
// an expression produces.
//
// A Value is immutable and cheap to copy: strings, lists and maps are shared, reference-
// counted and never modified after construction, so copying `result` into a closure or
// returning a 10,000-element list costs a pointer copy. Distinct Value objects may be used
// from different threads at the same time, even when they share storage.
#ifndef SERIN_ANALYSIS_EXPR_VALUE_H_
#define SERIN_ANALYSIS_EXPR_VALUE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace serin::expr {

class Value {
 public:
  enum class Kind { kNil, kBool, kInt, kFloat, kString, kList, kMap };
  using List = std::vector<Value>;
  using Map = std::map<std::string, Value, std::less<>>;

  Value();  // nil
  Value(bool b);
  Value(int i);
  Value(int64_t i);
  Value(double d);
  Value(std::string s);
  Value(const char* s);
  Value(List list);
  Value(Map map);

  Kind kind() const;
  bool isNil() const { return kind() == Kind::kNil; }
  bool isNumber() const { return kind() == Kind::kInt || kind() == Kind::kFloat; }

  // Accessors. Precondition: kind() matches. A violated precondition is a bug in the
  // caller, but it is not undefined behaviour: the accessor returns the zero value of its
  // type (false, 0, 0.0, an empty string, list or map).
  bool asBool() const;
  int64_t asInt() const;
  double asFloat() const;
  const std::string& asString() const;
  const List& asList() const;
  const Map& asMap() const;

  // An int or a float as a double (large ints round to the nearest double). NaN when the
  // value is not a number.
  double toDouble() const;

  // How the value reads in an error message or a log: 0.95, 3, 2.0, "x", [1, 2],
  // {"a": 1}, nil, NaN, +Inf, -Inf. Floats always show a '.' or an exponent so they differ
  // from ints; strings are quoted with JSON-style escapes. Map keys appear in sorted order.
  std::string debugString() const;

  // Converts a JSON document (a Prometheus or web-metric result). null -> nil; integers ->
  // kInt (unsigned integers above INT64_MAX -> kFloat); other numbers -> kFloat; binary and
  // discarded values -> nil. Nesting deeper than kMaxJsonDepth is cut: the deeper arrays
  // and objects become nil, so hostile documents cannot exhaust the stack. Never throws.
  static Value fromJson(const nlohmann::json& j);
  static constexpr int kMaxJsonDepth = 256;

  // Structural equality, the `==` of the language: numbers compare by value across int and
  // float (1 == 1.0), NaN equals nothing (not even itself), different kinds are unequal,
  // nil == nil, lists element by element, maps key by key.
  friend bool operator==(const Value& a, const Value& b);

 private:
  using Storage =
      std::variant<std::monostate, bool, int64_t, double, std::shared_ptr<const std::string>,
                   std::shared_ptr<const List>, std::shared_ptr<const Map>>;
  Storage storage_;
};

std::string_view kindName(Value::Kind kind);  // "nil", "bool", "int", "float", ...

// The kind and a bounded excerpt of the value, for error messages: `float (0.5)`,
// `list ([1, 2, 3])`, `string ("abc")`, `nil`. Long values are cut after ~60 bytes with "...".
std::string describeValue(const Value& v);

}  // namespace serin::expr

#endif  // SERIN_ANALYSIS_EXPR_VALUE_H_
