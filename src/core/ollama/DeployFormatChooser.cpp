#include "deepext/ollama/DeployFormatChooser.h"

#include <QStringList>

#include <algorithm>
#include <cctype>

namespace deepext::ollama {
namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

QString joined(const std::vector<std::string>& names)
{
    QStringList list;
    for (const auto& name : names) {
        list << q(name);
    }
    return list.isEmpty() ? QStringLiteral("none") : list.join(QStringLiteral(", "));
}

struct Facts
{
    const OllamaVersion& version;
    QString versionText;
    QString architecture;
    const std::vector<std::string>& ggufArchitectures;
    QString server;
    OllamaVersion::Converter converter;
    bool exportable;

    QString serverNamed() const { return QStringLiteral("Ollama %1 at %2").arg(versionText, server); }
    QString bothLists() const
    {
        return QStringLiteral("Its safetensors converter accepts %1; the GGUF export writes %2.")
            .arg(joined(version.convertibleArchitectures()), joined(ggufArchitectures));
    }
    QString unsureWarning() const
    {
        return QStringLiteral("Ollama %1 is not known to convert the architecture %2; the deploy goes on, but Ollama "
                              "may answer \"unsupported architecture\" after the upload.")
            .arg(versionText, architecture);
    }
};

FormatDecision refuse(const QString& error)
{
    FormatDecision decision;
    decision.error = error;
    return decision;
}

FormatDecision chooseGguf(const Facts& f)
{
    if (!f.exportable) {
        return refuse(QStringLiteral("%1 cannot be deployed as GGUF: the GGUF export writes only %2. Nothing was "
                                     "uploaded.")
                          .arg(f.architecture.isEmpty() ? QStringLiteral("A model whose config.json names no "
                                                                         "architecture")
                                                        : f.architecture,
                               joined(f.ggufArchitectures)));
    }
    FormatDecision decision;
    decision.format = DeployFormat::Gguf;
    decision.reason = QStringLiteral("GGUF, as asked (--format gguf)");
    return decision;
}

FormatDecision chooseSafetensors(const Facts& f)
{
    FormatDecision decision;
    decision.format = DeployFormat::Safetensors;
    if (f.architecture.isEmpty()) {
        // Kept as a warning: Ollama's own answer ("unknown architecture") says the same after the upload.
        decision.warnings.push_back(QStringLiteral("The model's config.json names no architecture; Ollama will "
                                                   "probably refuse it (unknown architecture)."));
        return decision;
    }
    switch (f.converter) {
    case OllamaVersion::Converter::Converts:
        decision.reason = QStringLiteral("safetensors: %1 converts %2").arg(f.serverNamed(), f.architecture);
        return decision;
    case OllamaVersion::Converter::Unsure:
        decision.warnings.push_back(f.unsureWarning());
        decision.reason = QStringLiteral("safetensors");
        return decision;
    case OllamaVersion::Converter::Refuses:
        break;
    }
    const QString head = QStringLiteral("%1 cannot convert the architecture %2 from safetensors (it would answer "
                                        "\"unsupported architecture\" after the upload), so nothing was uploaded.")
                             .arg(f.serverNamed(), f.architecture);
    if (f.exportable) {
        return refuse(head + QStringLiteral(" Deploy it as GGUF instead: --format gguf (or --format auto)."));
    }
    return refuse(head + QStringLiteral(" It cannot be written as GGUF either. ") + f.bothLists());
}

FormatDecision chooseAuto(const Facts& f)
{
    if (f.architecture.isEmpty() || f.converter == OllamaVersion::Converter::Converts) {
        return chooseSafetensors(f);
    }
    if (f.exportable) {
        FormatDecision decision;
        decision.format = DeployFormat::Gguf;
        decision.reason = QStringLiteral("GGUF: %1 %2 convert %3 from safetensors")
                              .arg(f.serverNamed(),
                                   f.converter == OllamaVersion::Converter::Refuses ? QStringLiteral("does not")
                                                                                    : QStringLiteral("may not"),
                                   f.architecture);
        return decision;
    }
    if (f.converter == OllamaVersion::Converter::Unsure) {
        return chooseSafetensors(f);
    }
    return refuse(QStringLiteral("%1 cannot deploy the architecture %2: its safetensors converter refuses it and the "
                                 "GGUF export cannot write it, so nothing was uploaded. ")
                      .arg(f.serverNamed(), f.architecture) +
                  f.bothLists());
}

} // namespace

FormatDecision DeployFormatChooser::choose(DeployFormat requested, const OllamaVersion& version,
                                           const std::string& versionText, const std::string& architecture,
                                           const std::vector<std::string>& ggufArchitectures,
                                           const QString& serverDisplay)
{
    const Facts facts{version,
                      q(versionText),
                      q(architecture),
                      ggufArchitectures,
                      serverDisplay,
                      version.converterFor(architecture),
                      !architecture.empty() && std::find(ggufArchitectures.begin(), ggufArchitectures.end(),
                                                         architecture) != ggufArchitectures.end()};
    switch (requested) {
    case DeployFormat::Gguf:
        return chooseGguf(facts);
    case DeployFormat::Safetensors:
        return chooseSafetensors(facts);
    case DeployFormat::Auto:
        break;
    }
    return chooseAuto(facts);
}

std::optional<DeployFormat> DeployFormatChooser::fromName(const std::string& name)
{
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const DeployFormat format : {DeployFormat::Auto, DeployFormat::Safetensors, DeployFormat::Gguf}) {
        if (lower == DeployFormatChooser::name(format)) {
            return format;
        }
    }
    return std::nullopt;
}

std::string DeployFormatChooser::name(DeployFormat format)
{
    switch (format) {
    case DeployFormat::Auto:
        return "auto";
    case DeployFormat::Safetensors:
        return "safetensors";
    case DeployFormat::Gguf:
        return "gguf";
    }
    return {};
}

} // namespace deepext::ollama
