#pragma once

#include <QDialog>

#include <memory>

namespace Ui {
class AddBaseModelDialog;
}

namespace deepext::gui {

class AppContext;

// Registers a Hugging Face model folder as a base model (by reference, never copied), with an optional Deployment
// Template File. Reading the folder and the registry write run on the worker pool.
class AddBaseModelDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit AddBaseModelDialog(AppContext& context, QWidget* parent = nullptr);
    ~AddBaseModelDialog() override;

    bool isBusy() const { return m_busy; }
    // Fills in the folder (one dropped on the page) and moves on to the name.
    void setFolder(const QString& folder);

signals:
    void added(const QString& technicalName);

public slots:
    void submit();

private:
    void validate();

    std::unique_ptr<Ui::AddBaseModelDialog> m_ui;
    AppContext& m_context;
    bool m_busy = false;
};

} // namespace deepext::gui
