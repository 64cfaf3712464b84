#pragma once

#include <QDialog>

#include <memory>

namespace Ui {
class AddTrainedModelDialog;
}

namespace deepext::gui {

class AppContext;

// Registers a PEFT LoRA adapter folder as a trained model of a base model. Validation and the registry write run
// on the worker pool; the dialog stays open with the reason when they fail.
class AddTrainedModelDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit AddTrainedModelDialog(AppContext& context, QWidget* parent = nullptr);
    ~AddTrainedModelDialog() override;

    bool isBusy() const { return m_busy; }
    // Fills in the folder (one dropped on the page) and moves on to the name.
    void setFolder(const QString& folder);
    int baseCount() const;

signals:
    void basesLoaded();
    void added(const QString& trainedName);

public slots:
    void submit();

private:
    void validate();

    std::unique_ptr<Ui::AddTrainedModelDialog> m_ui;
    AppContext& m_context;
    bool m_busy = false;
};

} // namespace deepext::gui
