#pragma once

#include "deepext/base/Sha256.h"

#include <QByteArrayView>
#include <QFile>
#include <QString>

namespace deepext::fake {

// One blob upload in progress: the body streamed into a temporary file in the blobs directory and hashed as it
// arrives, so a multi-gigabyte upload never sits in memory. Dropped unfinished, it removes its file.
class BlobUpload
{
public:
    struct Received
    {
        QString tempPath;
        QString sha256Hex;
        QString error; // why the file could not be written completely; empty when it was
    };

    explicit BlobUpload(const QString& tempPath);
    ~BlobUpload();
    BlobUpload(const BlobUpload&) = delete;
    BlobUpload& operator=(const BlobUpload&) = delete;

    void write(QByteArrayView data);
    // Closes the file, which from now on is the caller's.
    Received finish();

private:
    QFile m_file;
    Sha256 m_hash;
    QString m_error;
    bool m_finished = false;
};

} // namespace deepext::fake
