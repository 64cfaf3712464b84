#pragma once

#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cardtest {

inline std::string realworld(const std::string& folder)
{
    return std::string(DEEPEXT_TEST_DATA_DIR) + "/realworld/" + folder;
}

inline std::string golden(const std::string& caseName)
{
    return std::string(DEEPEXT_TEST_DATA_DIR) + "/golden/" + caseName;
}

inline std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void writeText(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
}

// Parameter count straight from the safetensors headers, independent of the code under test.
inline std::uint64_t headerParameterSum(const std::string& directory, bool skipLmHead = false)
{
    std::uint64_t total = 0;
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
        if (entry.path().extension() != ".safetensors") {
            continue;
        }
        std::ifstream in(entry.path(), std::ios::binary);
        std::uint64_t n = 0;
        in.read(reinterpret_cast<char*>(&n), 8);
        std::string header(n, '\0');
        in.read(header.data(), static_cast<std::streamsize>(n));
        const auto json = nlohmann::json::parse(header);
        for (auto it = json.begin(); it != json.end(); ++it) {
            if (it.key() == "__metadata__" || (skipLmHead && it.key() == "lm_head.weight")) {
                continue;
            }
            std::uint64_t count = 1;
            for (const auto& dim : it.value()["shape"]) {
                count *= dim.get<std::uint64_t>();
            }
            total += count;
        }
    }
    return total;
}

} // namespace cardtest
