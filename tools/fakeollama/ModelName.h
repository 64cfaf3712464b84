#pragma once

#include <QString>

namespace deepext::fake {

// An Ollama model name, [host/][namespace/]model[:tag], with the defaults of types/model/name.go filled in.
class ModelName
{
public:
    static constexpr const char* kDefaultHost = "registry.ollama.ai";
    static constexpr const char* kDefaultNamespace = "library";
    static constexpr const char* kDefaultTag = "latest";

    // Splits and fills defaults; isValid() tells whether every part obeys the rules of types/model/name.go.
    static ModelName parse(const QString& raw);

    bool isValid() const;
    const QString& host() const { return m_host; }
    const QString& nameSpace() const { return m_namespace; }
    const QString& model() const { return m_model; }
    const QString& tag() const { return m_tag; }

    // DisplayShortest: host and namespace dropped when they are the defaults (case-insensitively).
    QString displayShortest() const;
    // host/namespace/model:tag, which parse() reads back to the same name.
    QString fullName() const { return m_host + u'/' + m_namespace + u'/' + m_model + u':' + m_tag; }
    // host/namespace/model/tag: the manifest path relative to manifests/.
    QString storagePath() const;
    // Lower-cased storage path: names match case-insensitively.
    QString key() const { return storagePath().toLower(); }

private:
    QString m_host;
    QString m_namespace;
    QString m_model;
    QString m_tag;
    bool m_splitOk = false;
};

} // namespace deepext::fake
