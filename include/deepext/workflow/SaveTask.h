#pragma once

#include "deepext/merge/MergeTypes.h"

#include <QObject>
#include <QRunnable>
#include <QStringList>

#include <atomic>

namespace deepext {

class Workspace;

// SaveOperation on a QThreadPool (qBittorrent's TorrentCreator shape): progress and the outcome are signals,
// delivered queued to receivers on the GUI thread; requestCancel() is safe from any thread.
class SaveTask final : public QObject, public QRunnable
{
    Q_OBJECT

public:
    SaveTask(const Workspace& workspace, QString trainedName, OutputDtype dtype, QObject* parent = nullptr);
    void run() override;
    void requestCancel();

signals:
    void progressChanged(qint64 bytesDone, qint64 bytesTotal, const QString& phase);
    // `warnings`: what the merge warned about (they are on the card too), e.g. an adapter that changes nothing.
    void succeeded(const QString& savedName, const QStringList& warnings);
    void failed(const QString& message, const QString& details);
    void cancelled();

private:
    QString m_root;
    QString m_trainedName;
    OutputDtype m_dtype;
    std::atomic_bool m_cancel{false};
};

} // namespace deepext
