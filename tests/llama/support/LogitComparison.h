#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace deepext::test {

// How two next-token logit vectors (reference vs llama.cpp) differ: the bar is top-1 identical and, for
// an f32 export, max |difference| <= 1e-3.
struct LogitComparison
{
    std::size_t size = 0;
    bool sameSize = false;
    std::size_t expectedTop = 0;
    std::size_t actualTop = 0;
    double maxAbsDiff = 0.0;
    std::size_t maxAbsDiffIndex = 0;
    double topMargin = 0.0; // expected's top-1 minus its top-2: how close a tie it was

    static LogitComparison compare(const std::vector<float>& expected, const std::vector<float>& actual);
    bool sameTop() const { return sameSize && expectedTop == actualTop; }
    std::string describe() const; // one line for assertion messages
};

} // namespace deepext::test
