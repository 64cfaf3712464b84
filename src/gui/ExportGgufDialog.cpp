#include "gui/ExportGgufDialog.h"

#include "deepext/base/Logging.h"
#include "deepext/workflow/SavedModelGgufExport.h"
#include "gui/AppContext.h"
#include "gui/IUserPrompts.h"
#include "gui/JobTracker.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace deepext::gui {

namespace {

const QString kFolderKey = QStringLiteral("ExportGgufDialog/folder");

QString byteText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace

ExportGgufDialog::ExportGgufDialog(AppContext& context, const QString& savedName, QWidget* parent)
    : QDialog(parent)
    , m_context(context)
    , m_savedName(savedName)
    , m_folder(QSettings().value(kFolderKey, QDir::homePath()).toString())
    , m_typeBox(new QComboBox(this))
    , m_destinationEdit(new QLineEdit(this))
    , m_browseButton(new QPushButton(tr("&Browse…"), this))
    , m_progressBar(new QProgressBar(this))
    , m_statusLabel(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Cancel, this))
    , m_exportButton(m_buttons->addButton(tr("&Export"), QDialogButtonBox::AcceptRole))
{
    setObjectName(QStringLiteral("exportGgufDialog"));
    setWindowTitle(tr("Export GGUF — %1").arg(savedName));
    m_typeBox->setObjectName(QStringLiteral("ggufTypeBox"));
    m_destinationEdit->setObjectName(QStringLiteral("ggufDestinationEdit"));
    m_browseButton->setObjectName(QStringLiteral("ggufBrowseButton"));
    m_progressBar->setObjectName(QStringLiteral("ggufProgressBar"));
    m_statusLabel->setObjectName(QStringLiteral("ggufStatusLabel"));
    m_exportButton->setObjectName(QStringLiteral("ggufExportButton"));

    m_typeBox->addItem(tr("auto (keep the model's dtype)"), QStringLiteral("auto"));
    m_typeBox->addItem(tr("bf16"), QStringLiteral("bf16"));
    m_typeBox->addItem(tr("f16"), QStringLiteral("f16"));
    m_typeBox->addItem(tr("f32"), QStringLiteral("f32"));
    m_typeBox->addItem(tr("q8_0 (8-bit, about half the size)"), QStringLiteral("q8_0"));
    m_destinationEdit->setText(suggestedPath());
    m_destinationEdit->setMinimumWidth(420);
    m_progressBar->setRange(0, 1000);
    m_progressBar->hide();
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_statusLabel->setText(tr("One file holding the whole model, for llama.cpp, LM Studio or an Ollama Modelfile's "
                              "FROM. The model card records it."));

    auto* destinationRow = new QHBoxLayout;
    destinationRow->addWidget(m_destinationEdit, 1);
    destinationRow->addWidget(m_browseButton);
    auto* form = new QFormLayout;
    form->addRow(tr("&Type:"), m_typeBox);
    form->addRow(tr("&Destination:"), destinationRow);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_progressBar);
    layout->addWidget(m_statusLabel);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    connect(m_typeBox, &QComboBox::currentIndexChanged, this, &ExportGgufDialog::onTypeChanged);
    connect(m_destinationEdit, &QLineEdit::textEdited, this, [this] { m_destinationEdited = true; });
    connect(m_destinationEdit, &QLineEdit::textChanged, this, [this] { setRunning(m_cancel != nullptr); });
    connect(m_browseButton, &QPushButton::clicked, this, &ExportGgufDialog::browse);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ExportGgufDialog::startExport);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ExportGgufDialog::reject);
    connect(&m_context, &AppContext::aboutToShutdown, this, &ExportGgufDialog::cancelExport);
    setRunning(false);
}

ExportGgufDialog::~ExportGgufDialog()
{
    cancelExport();
}

QString ExportGgufDialog::suggestedPath() const
{
    const QString type = m_typeBox->currentData().toString();
    return QDir(m_folder).filePath(QStringLiteral("%1-%2.gguf").arg(m_savedName, type));
}

void ExportGgufDialog::onTypeChanged()
{
    if (!m_destinationEdited) {
        m_destinationEdit->setText(suggestedPath());
    }
}

void ExportGgufDialog::browse()
{
    const QString chosen =
        m_context.prompts().askSaveFile(tr("Export GGUF"), m_destinationEdit->text(), tr("GGUF files (*.gguf)"));
    if (chosen.isEmpty()) {
        return;
    }
    m_destinationEdited = true;
    m_destinationEdit->setText(chosen);
}

void ExportGgufDialog::startExport()
{
    if (m_cancel) {
        return;
    }
    const QString path = QDir::cleanPath(m_destinationEdit->text().trimmed());
    const QFileInfo info(path);
    if (path.isEmpty() || !info.isAbsolute()) {
        m_statusLabel->setText(tr("Give the full path of the .gguf file to write."));
        return;
    }
    if (!info.dir().exists()) {
        m_statusLabel->setText(tr("The folder %1 does not exist: choose another with Browse.").arg(info.path()));
        return;
    }
    bool force = false;
    if (info.exists()) {
        if (info.isDir() || !m_context.prompts().confirm(
                                tr("Export GGUF"), tr("%1 already exists. Replace it?").arg(path), {}, tr("Replace"))) {
            m_statusLabel->setText(tr("%1 already exists: choose another name.").arg(path));
            return;
        }
        force = true;
    }
    QSettings().setValue(kFolderKey, info.path());

    gguf::GgufExportRequest request;
    request.outputPath = path.toStdString();
    request.type = gguf::ggufExportTypeFromName(m_typeBox->currentData().toString().toStdString());
    request.force = force;
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_job = m_context.jobs()->begin(tr("Exporting %1 to GGUF").arg(m_savedName),
                                    [cancel = m_cancel] { cancel->store(true); });
    setRunning(true);
    showProgress(0, 0, QStringLiteral("planning"));
    logging::ui()->info("exporting {} to {}", m_savedName.toStdString(), request.outputPath);

    const QPointer<QObject> self(this);
    m_context.run(
        this,
        [context = &m_context, self, workspace = m_context.workspace(), name = m_savedName.toStdString(),
         request = std::move(request), cancel = m_cancel] {
            int lastPermille = -1;
            std::string lastPhase;
            return SavedModelGgufExport::run(
                workspace, name, request,
                [&](const MergeProgress& progress) {
                    const int permille = progress.bytesTotal == 0
                                             ? 0
                                             : static_cast<int>(progress.bytesDone * 1000 / progress.bytesTotal);
                    // Only visible steps cross threads.
                    if (permille == lastPermille && progress.phase == lastPhase) {
                        return;
                    }
                    lastPermille = permille;
                    lastPhase = progress.phase;
                    context->post(self, [self, progress] {
                        if (auto* dialog = qobject_cast<ExportGgufDialog*>(self.data())) {
                            dialog->showProgress(static_cast<qint64>(progress.bytesDone),
                                                 static_cast<qint64>(progress.bytesTotal),
                                                 QString::fromStdString(progress.phase));
                        }
                    });
                },
                *cancel);
        },
        [this](JobOutcome<gguf::GgufExportResult> outcome) {
            m_context.jobs()->end(m_job);
            m_cancel.reset();
            setRunning(false);
            if (m_closeWhenStopped) {
                QDialog::reject();
                return;
            }
            if (!outcome.ok()) {
                m_progressBar->hide();
                if (outcome.failure.cancelled) {
                    m_statusLabel->setText(tr("Cancelled: nothing was written."));
                    return;
                }
                m_statusLabel->setText(tr("The export failed: %1").arg(outcome.failure.message));
                m_context.prompts().showError(
                    tr("%1 could not be exported to GGUF: %2").arg(m_savedName, outcome.failure.message),
                    outcome.failure.details);
                return;
            }
            const gguf::GgufExportResult& result = *outcome.value;
            const QString written = QString::fromStdString(result.path);
            m_progressBar->setValue(1000);
            QString text = tr("Written: %1 (%2, %3). Its SHA-256 is %4.")
                               .arg(written, QString::fromStdString(result.type),
                                    byteText(static_cast<qint64>(result.size)), QString::fromStdString(result.sha256));
            for (const std::string& warning : result.warnings) {
                text += QLatin1Char('\n') + QString::fromStdString(warning);
            }
            m_statusLabel->setText(text);
            m_buttons->button(QDialogButtonBox::Cancel)->setText(tr("Close"));
            emit m_context.savedModelsChanged();
            emit exported(m_savedName, written);
        });
}

void ExportGgufDialog::cancelExport()
{
    if (m_cancel) {
        m_cancel->store(true);
        m_statusLabel->setText(tr("Cancelling…"));
    }
}

void ExportGgufDialog::reject()
{
    if (m_cancel) {
        // Close once the exporter has removed its staging file: nothing partial outlives the dialog.
        m_closeWhenStopped = true;
        cancelExport();
        return;
    }
    QDialog::reject();
}

void ExportGgufDialog::setRunning(bool running)
{
    m_typeBox->setEnabled(!running);
    m_destinationEdit->setEnabled(!running);
    m_browseButton->setEnabled(!running);
    m_exportButton->setEnabled(!running && !m_destinationEdit->text().trimmed().isEmpty());
    m_buttons->button(QDialogButtonBox::Cancel)->setText(running ? tr("Cancel Export") : tr("Close"));
}

void ExportGgufDialog::showProgress(qint64 done, qint64 total, const QString& phase)
{
    m_progressBar->show();
    if (total <= 0) {
        m_progressBar->setRange(0, 0); // busy until the size is known
        m_statusLabel->setText(tr("Planning the export…"));
        return;
    }
    m_progressBar->setRange(0, 1000);
    m_progressBar->setValue(static_cast<int>(done * 1000 / total));
    const QString step = phase == QLatin1String("syncing") ? tr("Syncing to disk") : tr("Writing");
    m_statusLabel->setText(tr("%1: %2 of %3").arg(step, byteText(done), byteText(total)));
}

} // namespace deepext::gui
