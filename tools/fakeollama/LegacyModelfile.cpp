#include "LegacyModelfile.h"

#include <QStringList>

namespace deepext::fake {

using nlohmann::json;

LegacyModelfile LegacyModelfile::parse(const QString& modelfile)
{
    LegacyModelfile parsed;
    json& request = parsed.request;
    const QStringList lines = modelfile.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString text = lines[i].trimmed();
        if (text.isEmpty() || text.startsWith(u'#')) {
            continue;
        }
        const QString instruction = text.section(u' ', 0, 0).toLower();
        QString value = text.mid(instruction.size()).trimmed();
        for (const QString& quote : {QStringLiteral("\"\"\""), QStringLiteral("\"")}) {
            if (value.startsWith(quote)) {
                QString collected = value.mid(quote.size());
                while (!collected.endsWith(quote) && i + 1 < lines.size()) {
                    collected += u'\n' + lines[++i];
                }
                if (!collected.endsWith(quote)) {
                    parsed.error = QStringLiteral("unexpected EOF");
                    return parsed;
                }
                value = collected.chopped(quote.size());
                break;
            }
        }
        const std::string v = value.toStdString();
        if (instruction == QLatin1String("from")) {
            parsed.from = value;
        } else if (instruction == QLatin1String("template") || instruction == QLatin1String("system")) {
            request[instruction.toStdString()] = v;
        } else if (instruction == QLatin1String("license")) {
            request["license"].push_back(v);
        } else if (instruction == QLatin1String("parameter")) {
            const std::string key = value.section(u' ', 0, 0).toStdString();
            const QString raw = value.section(u' ', 1).trimmed();
            bool isNumber = false;
            const double number = raw.toDouble(&isNumber);
            if (key == "stop") {
                request["parameters"]["stop"].push_back(raw.toStdString());
            } else if (isNumber) {
                request["parameters"][key] = number;
            } else {
                request["parameters"][key] = raw.toStdString();
            }
        } else if (instruction == QLatin1String("message")) {
            request["messages"].push_back(json{{"role", value.section(u' ', 0, 0).toStdString()},
                                               {"content", value.section(u' ', 1).toStdString()}});
        } else if (instruction != QLatin1String("adapter")) {
            parsed.error = QStringLiteral("(line %1): command must be one of \"from\", \"license\", \"template\", "
                                          "\"system\", \"adapter\", \"parameter\", or \"message\"")
                               .arg(i + 1);
            return parsed;
        }
    }
    return parsed;
}

} // namespace deepext::fake
