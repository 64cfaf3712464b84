#pragma once

#include "deepext/base/Records.h"
#include "deepext/ollama/ChatTypes.h"

#include <QDialog>
#include <QList>
#include <QPointer>
#include <QString>

#include <memory>

class QTimer;

namespace Ui {
class TryChatDialog;
}

namespace deepext::ollama {
class ChatCall;
class OllamaClient;
struct OllamaResult;
} // namespace deepext::ollama

namespace deepext::gui {

class AppContext;

// Try… on the Deployed Models page: a chat with one deployed model. Each turn sends the whole conversation
// (POST /api/chat) and the reply streams into the transcript; Stop keeps what arrived. The deployment's server is
// looked up on the worker pool (the registry is on disk and another process may hold its lock), the chat runs on
// the event loop. Non-modal; closing it while a reply streams cancels the reply.
class TryChatDialog final : public QDialog
{
    Q_OBJECT

public:
    TryChatDialog(AppContext& context, DeploymentRecord deployment, QWidget* parent = nullptr);
    ~TryChatDialog() override;

    QString ollamaName() const;
    // The server was looked up: Send works (or, when the lookup failed, the reason is in the transcript).
    bool isReady() const { return m_client != nullptr; }
    bool isStreaming() const { return !m_call.isNull(); }
    // The conversation as it will be sent with the next turn.
    const QList<ollama::ChatMessage>& messages() const { return m_messages; }
    QString transcriptText() const;

public slots:
    void send();
    void stop();
    void newConversation();
    void reject() override;

signals:
    // A reply ended (stopped by itself, at the limit, stopped by the user, or failed).
    void replyFinished(bool ok);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void lookUp();
    void onPiece(const QString& text);
    // Writes the pieces that arrived since the last flush into the transcript.
    void flushPieces();
    void onFinished(const ollama::OllamaResult& result);
    void appendHeading(const QString& who, const QString& color);
    void appendText(const QString& text, const QString& color = {});
    void appendNote(const QString& text, const QString& color);
    void scrollToEnd();
    void updateButtons();

    std::unique_ptr<Ui::TryChatDialog> m_ui;
    AppContext& m_context;
    DeploymentRecord m_deployment;
    ollama::OllamaClient* m_client = nullptr;
    QPointer<ollama::ChatCall> m_call;
    QList<ollama::ChatMessage> m_messages; // user and assistant turns, oldest first
    // Pieces are written a few times a second, not one by one: a long reply is one paragraph, laid out again on
    // every insertion, and one network read can carry hundreds of pieces.
    QString m_pendingText;
    QTimer* m_flushTimer;
    bool m_lookupFailed = false;
    bool m_sawPiece = false; // the current reply has begun
    bool m_followEnd = true; // the transcript is scrolled to its end: keep it there as text arrives
    int m_maxTokens = 0;     // the limit the current reply was sent with
};

} // namespace deepext::gui
