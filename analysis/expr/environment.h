// The variables an expression reads (for an analysis condition: `result`).
#ifndef SERIN_ANALYSIS_EXPR_ENVIRONMENT_H_
#define SERIN_ANALYSIS_EXPR_ENVIRONMENT_H_

#include <functional>
#include <map>
#include <string>

#include "analysis/expr/value.h"

namespace serin::expr {

using Environment = std::map<std::string, Value, std::less<>>;

}  // namespace serin::expr

#endif  // SERIN_ANALYSIS_EXPR_ENVIRONMENT_H_
