#include "ModelName.h"

#include <QStringList>

namespace deepext::fake {

namespace {

bool isPartValid(const QString& part, const QString& extra, int maxLength)
{
    if (part.isEmpty() || part.size() > maxLength) {
        return false;
    }
    for (qsizetype i = 0; i < part.size(); ++i) {
        const QChar c = part[i];
        const bool alnum = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
        if (alnum || c == u'_') {
            continue;
        }
        if (i == 0 || !extra.contains(c)) {
            return false;
        }
    }
    return true;
}

} // namespace

ModelName ModelName::parse(const QString& raw)
{
    ModelName name;
    QString rest = raw;
    // The tag is cut at the last ':' only when it comes after the last '/' (a host may carry a port).
    const qsizetype colon = rest.lastIndexOf(u':');
    const qsizetype slash = rest.lastIndexOf(u'/');
    bool ok = true;
    if (colon >= 0 && colon > slash) {
        name.m_tag = rest.mid(colon + 1);
        rest = rest.left(colon);
        ok = ok && !name.m_tag.isEmpty();
    } else {
        name.m_tag = QString::fromLatin1(kDefaultTag);
    }
    QStringList parts = rest.split(u'/');
    if (parts.size() > 3) {
        // More than three parts: everything before the last two becomes a host containing '/', which is invalid.
        const QString model = parts.takeLast();
        const QString ns = parts.takeLast();
        parts = {parts.join(u'/'), ns, model};
    }
    for (const QString& part : parts) {
        ok = ok && !part.isEmpty();
    }
    name.m_model = parts.takeLast();
    name.m_namespace = parts.isEmpty() ? QString::fromLatin1(kDefaultNamespace) : parts.takeLast();
    name.m_host = parts.isEmpty() ? QString::fromLatin1(kDefaultHost) : parts.takeLast();
    name.m_splitOk = ok;
    return name;
}

bool ModelName::isValid() const
{
    return m_splitOk && isPartValid(m_host, QStringLiteral("_-.:"), 350) &&
           isPartValid(m_namespace, QStringLiteral("_-"), 80) && isPartValid(m_model, QStringLiteral("_-."), 80) &&
           isPartValid(m_tag, QStringLiteral("_-."), 80);
}

QString ModelName::displayShortest() const
{
    QString out;
    if (m_host.compare(QLatin1String(kDefaultHost), Qt::CaseInsensitive) != 0) {
        out = m_host + u'/' + m_namespace + u'/';
    } else if (m_namespace.compare(QLatin1String(kDefaultNamespace), Qt::CaseInsensitive) != 0) {
        out = m_namespace + u'/';
    }
    return out + m_model + u':' + m_tag;
}

QString ModelName::storagePath() const
{
    return m_host + u'/' + m_namespace + u'/' + m_model + u'/' + m_tag;
}

} // namespace deepext::fake
