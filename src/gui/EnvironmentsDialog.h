#pragma once

#include <QDialog>

#include <memory>

namespace Ui {
class EnvironmentsDialog;
}

namespace deepext {
class DeploymentMaintenance;
}

namespace deepext::gui {

class AppContext;

// The Deployment Tool Configuration: named Ollama servers (name, URL, CA file), one default, and a connection test
// that shows the server's version. Registry writes run on the worker pool.
class EnvironmentsDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit EnvironmentsDialog(AppContext& context, QWidget* parent = nullptr);
    ~EnvironmentsDialog() override;

    int environmentCount() const;

signals:
    void environmentsLoaded();
    void connectionTested(bool ok, const QString& versionOrReason);

public slots:
    void reload();

private:
    template <typename Write>
    void write(const QString& what, Write work);
    QString selectedName() const;
    void updateButtons();

    std::unique_ptr<Ui::EnvironmentsDialog> m_ui;
    AppContext& m_context;
    DeploymentMaintenance* m_maintenance;
    bool m_busy = false;
};

} // namespace deepext::gui
