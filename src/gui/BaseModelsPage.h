#pragma once

#include "deepext/base/Records.h"

#include <QHash>
#include <QString>
#include <QWidget>

#include <memory>
#include <vector>

namespace Ui {
class BaseModelsPage;
}

namespace deepext::gui {

class AppContext;

// Registered base models: list, facts and Deployment Template File; Add Base Model and Update Deployment Template
// File (both write the registry on the worker pool).
class BaseModelsPage final : public QWidget
{
    Q_OBJECT

public:
    explicit BaseModelsPage(AppContext& context, QWidget* parent = nullptr);
    ~BaseModelsPage() override;

    void reload();
    QString currentName() const;
    int modelCount() const;

signals:
    void loaded(int count);
    void templateUpdated(const QString& technicalName);

public slots:
    void addBaseModel();
    void updateTemplate();

private:
    void applyRecords(std::vector<BaseModelRecord> records);
    void showFacts();

    std::unique_ptr<Ui::BaseModelsPage> m_ui;
    AppContext& m_context;
    QHash<QString, BaseModelRecord> m_records;
    bool m_loadRunning = false;
    bool m_reloadQueued = false;
};

} // namespace deepext::gui
