#include "gui/TryChatDialog.h"

#include "ui_TryChatDialog.h"

#include "deepext/ollama/ChatCall.h"
#include "deepext/ollama/OllamaClient.h"
#include "deepext/ollama/OllamaHost.h"
#include "deepext/workflow/DeployedModel.h"
#include "gui/AppContext.h"

#include <QColor>
#include <QDialogButtonBox>
#include <QKeyEvent>
#include <QPushButton>
#include <QScrollBar>
#include <QTextBlockFormat>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QTextDocument>
#include <QTimer>

namespace deepext::gui {

namespace {

// The same reds and ambers as the rest of the window (LogModel, the dialogs' error labels).
const QString ErrorColor = QStringLiteral("#b02020");
const QString WarningColor = QStringLiteral("#9a6000");
// How often streamed text reaches the transcript: smooth to the eye, few layouts of a long reply.
constexpr int FlushIntervalMs = 40;

} // namespace

TryChatDialog::TryChatDialog(AppContext& context, DeploymentRecord deployment, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::TryChatDialog>())
    , m_context(context)
    , m_deployment(std::move(deployment))
    , m_flushTimer(new QTimer(this))
{
    m_ui->setupUi(this);
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(FlushIntervalMs);
    connect(m_flushTimer, &QTimer::timeout, this, &TryChatDialog::flushPieces);
    const QString name = ollamaName();
    setWindowTitle(tr("Try %1").arg(name));
    m_ui->modelLabel->setText(
        tr("%1 at %2 (saved model %3)")
            .arg(name, ollama::OllamaHost::display(m_deployment.url), QString::fromStdString(m_deployment.savedModel)));
    // Read-only, and every insertion would stay on the undo stack for the life of the dialog.
    m_ui->transcriptTextBrowser->document()->setUndoRedoEnabled(false);
    m_ui->transcriptTextBrowser->setPlaceholderText(
        tr("The conversation appears here. Each turn is sent with everything said before it."));
    connect(m_ui->sendButton, &QPushButton::clicked, this, &TryChatDialog::send);
    connect(m_ui->stopButton, &QPushButton::clicked, this, &TryChatDialog::stop);
    connect(m_ui->newConversationButton, &QPushButton::clicked, this, &TryChatDialog::newConversation);
    connect(m_ui->dialogButtonBox, &QDialogButtonBox::rejected, this, &TryChatDialog::reject);
    // Enter in the option boxes sends, never closes the conversation.
    m_ui->dialogButtonBox->button(QDialogButtonBox::Close)->setAutoDefault(false);
    m_ui->sendButton->setDefault(true);
    QScrollBar* bar = m_ui->transcriptTextBrowser->verticalScrollBar();
    connect(bar, &QScrollBar::valueChanged, this, [this, bar](int value) { m_followEnd = value >= bar->maximum(); });
    // Ctrl+Enter sends from the prompt box; a plain Enter is a new line of the prompt.
    m_ui->promptPlainTextEdit->installEventFilter(this);
    m_ui->promptPlainTextEdit->setFocus();
    updateButtons();
    lookUp();
}

TryChatDialog::~TryChatDialog()
{
    // The call is a child of the client, which is ours: end the reply without our handlers seeing it.
    if (m_call) {
        m_call->disconnect(this);
        m_call->cancel();
    }
}

QString TryChatDialog::ollamaName() const
{
    return QString::fromStdString(m_deployment.ollamaName);
}

QString TryChatDialog::transcriptText() const
{
    return m_ui->transcriptTextBrowser->toPlainText();
}

void TryChatDialog::lookUp()
{
    m_ui->statusLabel->setText(tr("Looking up the deployment…"));
    m_context.run(
        this,
        [workspace = m_context.workspace(), name = m_deployment.ollamaName] {
            return DeployedModel::find(workspace, name);
        },
        [this](JobOutcome<DeployedModel> outcome) {
            if (outcome.ok()) {
                const auto failure = catchFailure([&] { m_client = outcome.value->client(m_context.network(), this); });
                if (failure) {
                    outcome.failure = *failure;
                }
            }
            if (!m_client) {
                m_lookupFailed = true;
                appendNote(tr("This deployment cannot be tried: %1").arg(outcome.failure.message), ErrorColor);
                m_ui->statusLabel->setText(tr("Not available"));
            } else {
                m_ui->statusLabel->clear();
            }
            updateButtons();
        });
}

void TryChatDialog::send()
{
    const QString prompt = m_ui->promptPlainTextEdit->toPlainText();
    if (!m_client || m_call) {
        return;
    }
    if (prompt.trimmed().isEmpty()) {
        m_ui->statusLabel->setText(tr("Type a prompt first."));
        m_ui->promptPlainTextEdit->setFocus();
        return;
    }
    m_followEnd = true;
    m_messages.append(ollama::ChatMessage{QStringLiteral("user"), prompt});
    ollama::ChatRequest request;
    request.model = ollamaName();
    request.system = m_ui->systemPromptPlainTextEdit->toPlainText().trimmed();
    request.messages = m_messages;
    // As the CLI's try: a bounded reply always; the temperature only when the user picked one.
    m_maxTokens = m_ui->maxTokensSpinBox->value();
    request.options.numPredict = m_maxTokens;
    if (m_ui->temperatureDoubleSpinBox->value() >= 0.0) {
        request.options.temperature = m_ui->temperatureDoubleSpinBox->value();
    }

    appendHeading(tr("You"), palette().color(QPalette::Link).name());
    appendText(prompt);
    appendHeading(ollamaName(), {});
    m_ui->promptPlainTextEdit->clear();
    m_sawPiece = false;
    m_call = m_client->chat(request, ollama::ChatEndpoint::Chat);
    connect(m_call, &ollama::ChatCall::phaseChanged, this, [this](ollama::ChatCall::Phase phase) {
        switch (phase) {
        case ollama::ChatCall::Phase::Connecting:
            m_ui->statusLabel->setText(tr("Connecting…"));
            break;
        case ollama::ChatCall::Phase::WaitingForFirstPiece:
            // Ollama sends nothing while it loads the model, which can take minutes for a large one.
            m_ui->statusLabel->setText(tr("Loading the model…"));
            break;
        case ollama::ChatCall::Phase::Streaming:
            m_ui->statusLabel->setText(tr("Answering…"));
            break;
        }
    });
    connect(m_call, &ollama::ChatCall::piece, this, &TryChatDialog::onPiece);
    connect(m_call, &ollama::ChatCall::finished, this, &TryChatDialog::onFinished);
    m_ui->statusLabel->setText(tr("Connecting…"));
    updateButtons();
}

void TryChatDialog::stop()
{
    if (m_call) {
        m_call->cancel(); // finished() comes from inside, with the text so far
    }
}

void TryChatDialog::newConversation()
{
    if (m_call) {
        return;
    }
    m_messages.clear();
    m_ui->transcriptTextBrowser->clear();
    m_ui->statusLabel->clear();
    updateButtons();
}

void TryChatDialog::reject()
{
    stop();
    QDialog::reject();
}

bool TryChatDialog::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_ui->promptPlainTextEdit && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) &&
            key->modifiers().testFlag(Qt::ControlModifier)) {
            send();
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

void TryChatDialog::onPiece(const QString& text)
{
    m_sawPiece = true;
    m_pendingText += text;
    if (!m_flushTimer->isActive()) {
        m_flushTimer->start();
    }
}

void TryChatDialog::flushPieces()
{
    m_flushTimer->stop();
    if (!m_pendingText.isEmpty()) {
        appendText(m_pendingText);
        m_pendingText.clear();
    }
}

void TryChatDialog::onFinished(const ollama::OllamaResult& result)
{
    flushPieces();
    ollama::ChatCall* call = m_call;
    m_call = nullptr;
    call->deleteLater();
    const ollama::ChatReply& reply = call->reply();
    if (result.ok()) {
        m_messages.append(ollama::ChatMessage{QStringLiteral("assistant"), reply.text});
        appendNote(tr("%1 tokens, %2 tokens/s, done reason: %3")
                       .arg(reply.metrics.evalCount)
                       .arg(reply.metrics.tokensPerSecond(), 0, 'f', 1)
                       .arg(reply.doneReason.isEmpty() ? tr("(none given)") : reply.doneReason),
                   palette().color(QPalette::PlaceholderText).name());
        if (reply.doneReason == QStringLiteral("length")) {
            appendNote(tr("The reply hit the limit of %1 tokens before the model stopped by itself. If it does so with "
                          "the model's own template and a generous limit, the model may never stop: check the stop "
                          "parameters of its Deployment Template File.")
                           .arg(m_maxTokens),
                       WarningColor);
        }
        m_ui->statusLabel->clear();
    } else if (result.cancelled()) {
        // What arrived stays in the conversation: the next turn continues from what the user saw.
        if (reply.text.isEmpty()) {
            m_messages.removeLast();
        } else {
            m_messages.append(ollama::ChatMessage{QStringLiteral("assistant"), reply.text});
        }
        appendNote(m_sawPiece ? tr("Stopped: the reply above is incomplete.")
                              : tr("Stopped before the model answered."),
                   WarningColor);
        m_ui->statusLabel->setText(tr("Stopped"));
    } else {
        // A failed turn is not part of the conversation: the next one is sent without it.
        m_messages.removeLast();
        QString text = result.message;
        if (result.httpStatus == 404) {
            text += QLatin1Char(' ') + tr("It may have been removed from the server: Refresh the Deployed Models "
                                          "page to see what the server still has.");
        }
        appendNote(text, ErrorColor);
        m_ui->statusLabel->setText(tr("Failed"));
    }
    updateButtons();
    emit replyFinished(result.ok());
}

void TryChatDialog::appendHeading(const QString& who, const QString& color)
{
    QTextDocument* document = m_ui->transcriptTextBrowser->document();
    QTextCursor cursor(document);
    cursor.movePosition(QTextCursor::End);
    QTextBlockFormat block;
    if (!document->isEmpty()) {
        block.setTopMargin(8);
        cursor.insertBlock(block);
    } else {
        cursor.setBlockFormat(block);
    }
    QTextCharFormat format;
    format.setFontWeight(QFont::Bold);
    if (!color.isEmpty()) {
        format.setForeground(QColor(color));
    }
    cursor.insertText(who, format);
    cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
    scrollToEnd();
}

void TryChatDialog::appendText(const QString& text, const QString& color)
{
    QTextCursor cursor(m_ui->transcriptTextBrowser->document());
    cursor.movePosition(QTextCursor::End);
    QTextCharFormat format;
    if (!color.isEmpty()) {
        format.setForeground(QColor(color));
    }
    cursor.insertText(text, format);
    scrollToEnd();
}

void TryChatDialog::appendNote(const QString& text, const QString& color)
{
    QTextDocument* document = m_ui->transcriptTextBrowser->document();
    QTextCursor cursor(document);
    cursor.movePosition(QTextCursor::End);
    if (!document->isEmpty()) {
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
    }
    QTextCharFormat format;
    format.setFontItalic(true);
    format.setForeground(QColor(color));
    cursor.insertText(text, format);
    scrollToEnd();
}

void TryChatDialog::scrollToEnd()
{
    // Follow the reply only while the user has not scrolled up to read something earlier.
    if (m_followEnd) {
        QScrollBar* bar = m_ui->transcriptTextBrowser->verticalScrollBar();
        bar->setValue(bar->maximum());
    }
}

void TryChatDialog::updateButtons()
{
    const bool streaming = m_call != nullptr;
    m_ui->sendButton->setEnabled(m_client && !streaming);
    m_ui->stopButton->setEnabled(streaming);
    m_ui->newConversationButton->setEnabled(!streaming && !m_ui->transcriptTextBrowser->document()->isEmpty());
    m_ui->systemPromptPlainTextEdit->setEnabled(!m_lookupFailed);
}

} // namespace deepext::gui
