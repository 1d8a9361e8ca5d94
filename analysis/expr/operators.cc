#include "analysis/expr/operators.h"

#include <cmath>
#include <limits>
#include <string>

#include "analysis/expr/numbers.h"
#include "common/strings.h"

namespace serin::expr {
namespace {

using Kind = Value::Kind;

absl::Status undefinedOn(BinaryOp op, const Value& left, const Value& right) {
  return absl::InvalidArgumentError(strCat("operator ", binaryOpName(op), " not defined on ",
                                           kindName(left.kind()), " and ", kindName(right.kind())));
}

absl::Status overflow(BinaryOp op, int64_t a, int64_t b) {
  return absl::InvalidArgumentError(
      strCat("integer overflow in ", a, " ", binaryOpName(op), " ", b));
}

absl::StatusOr<Value> integerArithmetic(BinaryOp op, int64_t a, int64_t b) {
  int64_t result = 0;
  switch (op) {
    case BinaryOp::kAdd:
      if (__builtin_add_overflow(a, b, &result)) return overflow(op, a, b);
      return Value(result);
    case BinaryOp::kSubtract:
      if (__builtin_sub_overflow(a, b, &result)) return overflow(op, a, b);
      return Value(result);
    case BinaryOp::kMultiply:
      if (__builtin_mul_overflow(a, b, &result)) return overflow(op, a, b);
      return Value(result);
    case BinaryOp::kModulo:
      if (b == 0) return absl::InvalidArgumentError("integer modulo by zero");
      // INT64_MIN % -1 is undefined behaviour in C++; mathematically it is 0.
      if (b == -1) return Value(int64_t{0});
      return Value(a % b);
    default:
      break;
  }
  return absl::InternalError("not an integer operator");
}

absl::StatusOr<Value> arithmetic(BinaryOp op, const Value& left, const Value& right,
                                 int64_t* work) {
  if (op == BinaryOp::kAdd && left.kind() == Kind::kString && right.kind() == Kind::kString) {
    *work = static_cast<int64_t>(left.asString().size() + right.asString().size());
    return Value(left.asString() + right.asString());
  }
  if (op == BinaryOp::kAdd && left.kind() == Kind::kList && right.kind() == Kind::kList) {
    Value::List joined;
    joined.reserve(left.asList().size() + right.asList().size());
    joined.insert(joined.end(), left.asList().begin(), left.asList().end());
    joined.insert(joined.end(), right.asList().begin(), right.asList().end());
    *work = static_cast<int64_t>(joined.size());
    return Value(std::move(joined));
  }
  if (!left.isNumber() || !right.isNumber()) return undefinedOn(op, left, right);
  bool both_int = left.kind() == Kind::kInt && right.kind() == Kind::kInt;
  if (op == BinaryOp::kModulo) {
    if (!both_int) {
      return absl::InvalidArgumentError(strCat("operator % needs ints, got ", kindName(left.kind()),
                                               " and ", kindName(right.kind())));
    }
    return integerArithmetic(op, left.asInt(), right.asInt());
  }
  if (both_int && op != BinaryOp::kDivide && op != BinaryOp::kPower) {
    return integerArithmetic(op, left.asInt(), right.asInt());
  }
  double a = left.toDouble();
  double b = right.toDouble();
  switch (op) {
    case BinaryOp::kAdd:
      return Value(a + b);
    case BinaryOp::kSubtract:
      return Value(a - b);
    case BinaryOp::kMultiply:
      return Value(a * b);
    case BinaryOp::kDivide:
      return Value(a / b);
    case BinaryOp::kPower:
      return Value(std::pow(a, b));
    default:
      break;
  }
  return absl::InternalError("not an arithmetic operator");
}

absl::StatusOr<Value> ordered(BinaryOp op, const Value& left, const Value& right) {
  std::partial_ordering order = std::partial_ordering::unordered;
  if (left.isNumber() && right.isNumber()) {
    order = compareNumbers(left, right);  // unordered with a NaN: every test is false
  } else if (left.kind() == Kind::kString && right.kind() == Kind::kString) {
    order = left.asString().compare(right.asString()) <=> 0;
  } else {
    return undefinedOn(op, left, right);
  }
  switch (op) {
    case BinaryOp::kLess:
      return Value(order < 0);
    case BinaryOp::kLessEqual:
      return Value(order <= 0);
    case BinaryOp::kGreater:
      return Value(order > 0);
    case BinaryOp::kGreaterEqual:
      return Value(order >= 0);
    default:
      break;
  }
  return absl::InternalError("not a comparison");
}

absl::StatusOr<bool> contains(BinaryOp op, const Value& needle, const Value& haystack,
                              int64_t* work) {
  switch (haystack.kind()) {
    case Kind::kList:
      *work = static_cast<int64_t>(haystack.asList().size());
      for (const Value& element : haystack.asList()) {
        if (element == needle) return true;
      }
      return false;
    case Kind::kMap:
      if (needle.kind() != Kind::kString) {
        return absl::InvalidArgumentError(
            strCat("map keys are strings, cannot look up ", describeValue(needle)));
      }
      return haystack.asMap().find(needle.asString()) != haystack.asMap().end();
    case Kind::kString:
      if (needle.kind() != Kind::kString) return undefinedOn(op, needle, haystack);
      *work = static_cast<int64_t>(haystack.asString().size());
      return haystack.asString().find(needle.asString()) != std::string::npos;
    default:
      return undefinedOn(op, needle, haystack);
  }
}

absl::StatusOr<Value> stringTest(BinaryOp op, const Value& left, const Value& right,
                                 int64_t* work) {
  if (left.kind() != Kind::kString || right.kind() != Kind::kString) {
    return undefinedOn(op, left, right);
  }
  std::string_view s = left.asString();
  std::string_view part = right.asString();
  *work = static_cast<int64_t>(s.size());
  switch (op) {
    case BinaryOp::kContains:
      return Value(s.find(part) != std::string_view::npos);
    case BinaryOp::kStartsWith:
      return Value(s.substr(0, part.size()) == part);
    case BinaryOp::kEndsWith:
      return Value(s.size() >= part.size() && s.substr(s.size() - part.size()) == part);
    default:
      break;
  }
  return absl::InternalError("not a string test");
}

}  // namespace

absl::StatusOr<Value> applyBinary(BinaryOp op, const Value& left, const Value& right,
                                  int64_t* work) {
  *work = 0;
  switch (op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSubtract:
    case BinaryOp::kMultiply:
    case BinaryOp::kDivide:
    case BinaryOp::kModulo:
    case BinaryOp::kPower:
      return arithmetic(op, left, right, work);
    case BinaryOp::kEqual:
      return Value(left == right);
    case BinaryOp::kNotEqual:
      return Value(!(left == right));
    case BinaryOp::kLess:
    case BinaryOp::kLessEqual:
    case BinaryOp::kGreater:
    case BinaryOp::kGreaterEqual:
      return ordered(op, left, right);
    case BinaryOp::kIn:
    case BinaryOp::kNotIn: {
      absl::StatusOr<bool> found = contains(op, left, right, work);
      if (!found.ok()) return found.status();
      return Value(op == BinaryOp::kIn ? *found : !*found);
    }
    case BinaryOp::kContains:
    case BinaryOp::kStartsWith:
    case BinaryOp::kEndsWith:
      return stringTest(op, left, right, work);
    case BinaryOp::kOr:
    case BinaryOp::kAnd:
    case BinaryOp::kCoalesce:
      break;
  }
  return absl::InternalError(strCat("operator ", binaryOpName(op), " is evaluated lazily"));
}

absl::StatusOr<Value> applyUnary(UnaryOp op, const Value& operand) {
  switch (op) {
    case UnaryOp::kNot:
      if (operand.kind() != Kind::kBool) {
        return absl::InvalidArgumentError(
            strCat("operator ! needs a bool, got ", describeValue(operand)));
      }
      return Value(!operand.asBool());
    case UnaryOp::kNegate:
      if (operand.kind() == Kind::kFloat) return Value(-operand.asFloat());
      if (operand.kind() == Kind::kInt) {
        if (operand.asInt() == std::numeric_limits<int64_t>::min()) {
          return absl::InvalidArgumentError(strCat("integer overflow in -(", operand.asInt(), ")"));
        }
        return Value(-operand.asInt());
      }
      return absl::InvalidArgumentError(
          strCat("operator - needs a number, got ", describeValue(operand)));
    case UnaryOp::kPlus:
      if (operand.isNumber()) return operand;
      return absl::InvalidArgumentError(
          strCat("operator + needs a number, got ", describeValue(operand)));
  }
  return absl::InternalError("unknown unary operator");
}

}  // namespace serin::expr
