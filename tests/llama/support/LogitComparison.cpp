#include "LogitComparison.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>

namespace deepext::test {

LogitComparison LogitComparison::compare(const std::vector<float>& expected, const std::vector<float>& actual)
{
    LogitComparison result;
    result.size = expected.size();
    result.sameSize = expected.size() == actual.size() && !expected.empty();
    if (!result.sameSize) {
        result.maxAbsDiff = std::numeric_limits<double>::infinity();
        return result;
    }
    const auto top = [](const std::vector<float>& v) {
        return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
    };
    result.expectedTop = top(expected);
    result.actualTop = top(actual);
    double second = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < expected.size(); ++i) {
        // A NaN on either side counts as an infinite difference.
        const double diff = std::isnan(expected[i]) || std::isnan(actual[i])
                                ? std::numeric_limits<double>::infinity()
                                : std::abs(static_cast<double>(expected[i]) - actual[i]);
        if (diff > result.maxAbsDiff || (i == 0 && diff == result.maxAbsDiff)) {
            result.maxAbsDiff = diff;
            result.maxAbsDiffIndex = i;
        }
        if (i != result.expectedTop) {
            second = std::max(second, static_cast<double>(expected[i]));
        }
    }
    result.topMargin = expected[result.expectedTop] - second;
    return result;
}

std::string LogitComparison::describe() const
{
    if (!sameSize) {
        return "logit vectors differ in size or are empty";
    }
    // %.3g: an f32 export's differences are around 1e-6, which fixed notation would print as 0.000000.
    std::ostringstream text;
    text << std::setprecision(3) << "top-1 reference " << expectedTop << " vs llama.cpp " << actualTop
         << " (reference margin " << topMargin << "), max |diff| " << maxAbsDiff << " at token " << maxAbsDiffIndex
         << " of " << size;
    return text.str();
}

} // namespace deepext::test
