#pragma once

#include <QDialog>
#include <QString>

#include <atomic>
#include <memory>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace deepext::gui {

class AppContext;

// Export GGUF… on the Saved Models page: the tensor type and the destination file, then the export itself with
// its progress and a Cancel that leaves nothing behind (GgufExporter stages and renames). The work runs on the
// worker pool; the card of the saved model records the export (SavedModelGgufExport). Closing the dialog while it
// runs cancels the export.
class ExportGgufDialog final : public QDialog
{
    Q_OBJECT

public:
    ExportGgufDialog(AppContext& context, const QString& savedName, QWidget* parent = nullptr);
    ~ExportGgufDialog() override;

    bool isRunning() const { return m_cancel != nullptr; }
    QComboBox* typeBox() const { return m_typeBox; }
    QLineEdit* destinationEdit() const { return m_destinationEdit; }
    QPushButton* exportButton() const { return m_exportButton; }
    QLabel* statusLabel() const { return m_statusLabel; }
    QProgressBar* progressBar() const { return m_progressBar; }

    // The file the current type and folder suggest: <folder>/<saved name>-<type>.gguf.
    QString suggestedPath() const;

public slots:
    void browse();
    void startExport();
    void cancelExport();
    void reject() override;

signals:
    // The export is written and the card records it.
    void exported(const QString& savedName, const QString& path);

private:
    void onTypeChanged();
    void setRunning(bool running);
    void showProgress(qint64 done, qint64 total, const QString& phase);

    AppContext& m_context;
    QString m_savedName;
    QString m_folder;                 // where the suggested file goes
    bool m_destinationEdited = false; // a typed or picked path stays when the type changes
    QComboBox* m_typeBox;
    QLineEdit* m_destinationEdit;
    QPushButton* m_browseButton;
    QProgressBar* m_progressBar;
    QLabel* m_statusLabel;
    QDialogButtonBox* m_buttons;
    QPushButton* m_exportButton;
    std::shared_ptr<std::atomic_bool> m_cancel;
    int m_job = 0;
    bool m_closeWhenStopped = false;
};

} // namespace deepext::gui
