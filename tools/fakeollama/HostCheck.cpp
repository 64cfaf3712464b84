#include "HostCheck.h"

#include <QHostAddress>
#include <QHostInfo>
#include <QList>
#include <QNetworkInterface>
#include <QPair>
#include <QString>

namespace deepext::fake {
namespace {

bool isPrivateOrLocal(const QHostAddress& address)
{
    if (address.isLoopback() || address.isNull()) {
        return address.isLoopback();
    }
    if (address == QHostAddress::AnyIPv4 || address == QHostAddress::AnyIPv6 ||
        address.toString() == QLatin1String("0.0.0.0") || address.toString() == QLatin1String("::")) {
        return true;
    }
    static const QList<QPair<QHostAddress, int>> privateNets = {
        QHostAddress::parseSubnet(QStringLiteral("10.0.0.0/8")),
        QHostAddress::parseSubnet(QStringLiteral("172.16.0.0/12")),
        QHostAddress::parseSubnet(QStringLiteral("192.168.0.0/16")),
        QHostAddress::parseSubnet(QStringLiteral("fc00::/7")),
    };
    for (const auto& net : privateNets) {
        if (address.isInSubnet(net)) {
            return true;
        }
    }
    return QNetworkInterface::allAddresses().contains(address);
}

} // namespace

bool HostCheck::allowed(const QByteArray& hostHeaderValue)
{
    const QString hostHeader = QString::fromUtf8(hostHeaderValue).trimmed();
    // net.SplitHostPort; on failure the whole value is the host.
    QString host = hostHeader;
    if (hostHeader.startsWith(u'[')) {
        const qsizetype end = hostHeader.indexOf(u']');
        if (end > 0 && hostHeader.mid(end + 1).startsWith(u':')) {
            host = hostHeader.mid(1, end - 1);
        }
    } else if (hostHeader.count(u':') == 1) {
        host = hostHeader.section(u':', 0, 0);
    }
    QHostAddress address;
    if (!host.isEmpty() && address.setAddress(host)) {
        if (isPrivateOrLocal(address)) {
            return true;
        }
    }
    const QString lower = host.toLower();
    if (lower.isEmpty() || lower == QLatin1String("localhost") || lower == QHostInfo::localHostName().toLower()) {
        return true;
    }
    for (const char* tld : {".localhost", ".local", ".internal"}) {
        if (lower.endsWith(QLatin1String(tld))) {
            return true;
        }
    }
    return false;
}

} // namespace deepext::fake
