#pragma once

#include <QString>
#include <QWidget>

#include <memory>

namespace Ui {
class BaseModelsPage;
}

namespace deepext::gui {

class AppContext;
class BaseModelListModel;
class CoalescedLoader;

// Registered base models: list, facts and Deployment Template File; Add Base Model (also by dropping a model folder
// on the page) and Update Deployment Template File (both write the registry on the worker pool).
class BaseModelsPage final : public QWidget
{
    Q_OBJECT

public:
    explicit BaseModelsPage(AppContext& context, QWidget* parent = nullptr);
    ~BaseModelsPage() override;

    // Rereads the registry in the background (coalesced); the selection is kept by technical name.
    void reload();
    void selectModel(const QString& technicalName);
    QString currentName() const;
    int modelCount() const;
    BaseModelListModel* model() const { return m_model; }

signals:
    void loaded(int count);
    void templateUpdated(const QString& technicalName);

public slots:
    // Opens Add Base Model, with `folder` filled in when given.
    void addBaseModel(const QString& folder = {});
    void updateTemplate();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void showFacts();

    std::unique_ptr<Ui::BaseModelsPage> m_ui;
    AppContext& m_context;
    BaseModelListModel* m_model;
    CoalescedLoader* m_loader;
};

} // namespace deepext::gui
