#include "BlobUpload.h"

namespace deepext::fake {

BlobUpload::BlobUpload(const QString& tempPath)
    : m_file(tempPath)
{
    if (!m_file.open(QIODevice::WriteOnly)) {
        m_error = m_file.errorString();
    }
}

BlobUpload::~BlobUpload()
{
    if (!m_finished) {
        m_file.close();
        m_file.remove();
    }
}

void BlobUpload::write(QByteArrayView data)
{
    m_hash.update(data.data(), static_cast<std::size_t>(data.size()));
    if (m_error.isEmpty() && m_file.write(data.data(), data.size()) != data.size()) {
        m_error = m_file.errorString();
    }
}

BlobUpload::Received BlobUpload::finish()
{
    m_finished = true;
    if (m_error.isEmpty() && !m_file.flush()) {
        m_error = m_file.errorString();
    }
    m_file.close();
    return {m_file.fileName(), QString::fromStdString(m_hash.finalHex()), m_error};
}

} // namespace deepext::fake
