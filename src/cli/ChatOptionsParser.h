#pragma once

#include <QString>

#include <optional>

namespace deepext::cli {

// The numbers `try` and `eval` take, checked the same way (a bad value is a usage error naming the option).
class ChatOptionsParser
{
public:
    // --max-tokens: a whole number from 1 to 1,000,000.
    static int maxTokens(const QString& text);
    // --temperature: a number from 0 to 2 (what Ollama's samplers accept sensibly).
    static double temperature(const QString& text);
};

} // namespace deepext::cli
