#pragma once

#include <QString>

#include <cstdint>
#include <optional>

namespace deepext::gui {

// What the saved-models list shows of one model: a few fields of its card, not the whole card.
struct SavedModelSummary
{
    QString name;
    QString trainedModel;
    QString baseModel;
    QString createdAt; // ISO 8601 UTC as on the card: sorts as text
    std::optional<std::uint64_t> size;
    QString path;

    bool operator==(const SavedModelSummary&) const = default;
};

} // namespace deepext::gui
