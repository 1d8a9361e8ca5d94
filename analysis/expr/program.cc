#include "analysis/expr/program.h"

#include <exception>
#include <new>
#include <utility>

#include "analysis/expr/evaluator.h"
#include "analysis/expr/parser.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace serin::expr {

struct Program::Compiled {
  std::string source;
  ParsedExpression parsed;
  int64_t max_steps = 0;
};

Program::Program(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}

absl::StatusOr<Program> Program::compile(std::string_view source, const Limits& limits) {
  // Nothing below throws on purpose; the catch keeps the no-throw promise if memory runs out.
  try {
    auto compiled = std::make_shared<Compiled>();
    compiled->source = std::string(source);
    compiled->max_steps = limits.max_steps;
    ASSIGN_OR_RETURN(compiled->parsed, parse(compiled->source, limits));
    return Program(std::move(compiled));
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("out of memory compiling the expression");
  } catch (const std::exception& e) {
    return absl::InternalError(strCat("compiling the expression: ", e.what()));
  }
}

absl::StatusOr<Value> Program::evaluate(const Environment& vars) const {
  try {
    Evaluator evaluator(compiled_->source, vars, compiled_->max_steps);
    return evaluator.evaluate(*compiled_->parsed.root);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("out of memory evaluating the expression");
  } catch (const std::exception& e) {
    return absl::InternalError(strCat("evaluating the expression: ", e.what()));
  }
}

absl::StatusOr<bool> Program::evaluateBool(const Environment& vars) const {
  ASSIGN_OR_RETURN(Value result, evaluate(vars));
  if (result.kind() != Value::Kind::kBool) {
    return absl::InvalidArgumentError(
        strCat("condition must evaluate to a boolean, got ", describeValue(result)));
  }
  return result.asBool();
}

const std::string& Program::source() const { return compiled_->source; }

bool Program::calls(std::string_view function) const {
  return compiled_->parsed.functions.find(function) != compiled_->parsed.functions.end();
}

bool Program::references(std::string_view variable) const {
  return compiled_->parsed.variables.find(variable) != compiled_->parsed.variables.end();
}

}  // namespace serin::expr
