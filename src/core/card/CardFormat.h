#pragma once

#include "deepext/card/CardDocument.h"
#include "deepext/card/TrainerStateFacts.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// The small formatters and carddoc builders CardSections lays its sections out with: numbers grouped for reading,
// sizes and durations with their units, and typed spans so each front end can style codes, folders and hashes.
namespace deepext::cardformat {

inline const char* const kUnknown = "unknown";

std::string number(double value);
std::string grouped(std::uint64_t value);
std::string groupedSigned(std::int64_t value);
// "6,442,450,944 bytes (6.0 GiB)": exact bytes first, for the sections.
std::string bytesText(std::uint64_t bytes);
// "6.0 GiB": the summary's size, where the sections give the exact bytes.
std::string shortBytes(std::uint64_t bytes);
std::string parametersText(std::uint64_t count);
std::string shortCount(std::uint64_t count);
std::string secondsText(double seconds);
std::string joined(const std::vector<std::string>& items, const std::string& separator = ", ");

carddoc::Inline text(const std::string& s);
carddoc::Inline code(const std::string& s);
carddoc::Inline folder(const std::string& s);
carddoc::Inline hash(const std::string& s);
carddoc::Inline time(const std::string& s);
carddoc::Inline unknown();

template <typename T, typename F>
carddoc::Inline opt(const std::optional<T>& value, F&& format)
{
    return value ? format(*value) : unknown();
}
carddoc::Inline optText(const std::optional<std::string>& value);
carddoc::Inline optCode(const std::optional<std::string>& value);
carddoc::Inline optInt(const std::optional<std::int64_t>& value);
carddoc::Inline optNumber(const std::optional<double>& value);
carddoc::Inline optBool(const std::optional<bool>& value);
carddoc::Inline codeList(const std::vector<std::string>& items);
carddoc::Inline lossAt(const LossPoint& point);

// A label/value block built fact by fact.
struct FactTable
{
    carddoc::Block block = [] {
        carddoc::Block facts;
        facts.kind = carddoc::Block::Kind::Facts;
        return facts;
    }();
    void add(const std::string& label, carddoc::Inline value)
    {
        block.facts.push_back(carddoc::Fact{label, std::move(value)});
    }
    bool empty() const { return block.facts.empty(); }
};

carddoc::Block paragraph(carddoc::Inline content);
carddoc::Block bullets(const std::vector<std::string>& items);
carddoc::Block table(std::vector<std::string> header, bool itemized = false);
carddoc::Block verbatim(const std::string& content);
// A lead paragraph and the notes as bullets; nothing when there are no notes.
void addNotes(carddoc::Section& section, const std::vector<std::string>& notes, const std::string& lead);

} // namespace deepext::cardformat
