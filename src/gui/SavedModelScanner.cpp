#include "gui/SavedModelScanner.h"

#include "deepext/base/Workspace.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <nlohmann/json.hpp>

namespace deepext::gui {
namespace {

// The list needs only these top-level sections; skipping the rest while parsing (the file manifest, training
// history, merge facts) keeps a scan of thousands of cards well under a second.
bool keepTopLevel(const std::string& key)
{
    return key == "name" || key == "created_at" || key == "total_size" || key == "base_model" || key == "trained_model";
}

bool keepNested(const std::string& key)
{
    return key == "name" || key == "technical_name" || key == "display_name";
}

QString stringAt(const nlohmann::json& object, const char* key)
{
    if (auto it = object.find(key); it != object.end() && it->is_string()) {
        return QString::fromStdString(it->get<std::string>());
    }
    return {};
}

} // namespace

std::optional<SavedModelSummary> SavedModelScanner::read(const QString& directory)
{
    const QFileInfo info(directory);
    // A symbolic link in saved_models/ is not a saved model we own (the core's rule).
    if (info.isSymLink() || !info.isDir()) {
        return std::nullopt;
    }
    QFile file(directory + QStringLiteral("/model_card.json"));
    if (!file.open(QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    const QByteArray bytes = file.readAll();
    SavedModelSummary summary;
    summary.name = info.fileName();
    summary.path = info.absoluteFilePath();
    const nlohmann::json::parser_callback_t filter = [](int depth, nlohmann::json::parse_event_t event,
                                                        nlohmann::json& parsed) {
        if (event != nlohmann::json::parse_event_t::key) {
            return true;
        }
        const std::string& key = parsed.get_ref<const std::string&>();
        return depth == 1 ? keepTopLevel(key) : depth == 2 ? keepNested(key) : false;
    };
    const nlohmann::json card = nlohmann::json::parse(bytes.constBegin(), bytes.constEnd(), filter, false);
    if (!card.is_object()) {
        // An unreadable card still lists (the name is the directory); the card pane says what is wrong.
        return summary;
    }
    summary.createdAt = stringAt(card, "created_at");
    if (auto it = card.find("total_size"); it != card.end() && it->is_number_unsigned()) {
        summary.size = it->get<std::uint64_t>();
    }
    if (auto it = card.find("trained_model"); it != card.end() && it->is_object()) {
        summary.trainedModel = stringAt(*it, "name");
    }
    if (auto it = card.find("base_model"); it != card.end() && it->is_object()) {
        summary.baseModel = stringAt(*it, "technical_name");
        if (summary.baseModel.isEmpty()) {
            summary.baseModel = stringAt(*it, "display_name");
        }
    }
    return summary;
}

std::vector<SavedModelSummary> SavedModelScanner::scan(const Workspace& workspace)
{
    std::vector<SavedModelSummary> out;
    const QDir dir(QString::fromStdString(workspace.savedModelsDir()));
    const QStringList names = dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
    out.reserve(static_cast<std::size_t>(names.size()));
    for (const QString& name : names) {
        if (name.startsWith(QLatin1Char('.'))) {
            continue;
        }
        if (auto summary = read(dir.filePath(name))) {
            out.push_back(std::move(*summary));
        }
    }
    return out;
}

} // namespace deepext::gui
