#include "gui/SavedModelListModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>

#include <gtest/gtest.h>

using deepext::gui::SavedModelListModel;
using deepext::gui::SavedModelSummary;

namespace {

SavedModelSummary summary(const QString& name, const QString& created, std::uint64_t size = 10)
{
    return {name, name + QStringLiteral("_trained"), QStringLiteral("base"), created,
            size, QStringLiteral("/w/") + name};
}

QStringList names(const QAbstractItemModel& model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row) {
        out << model.index(row, 0).data(SavedModelListModel::NameRole).toString();
    }
    return out;
}

} // namespace

TEST(SavedModelListModel, Updates_PassModelTesterAndKeepRowsIdentity)
{
    SavedModelListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    model.setModels({summary("a", "2025-01-01T00:00:00Z"), summary("b", "2025-01-02T00:00:00Z"),
                     summary("c", "2025-01-03T00:00:00Z")});
    EXPECT_EQ(model.rowCount(), 3);
    EXPECT_EQ(inserted.count(), 1);

    // b goes, d comes, c changes size: one removal, one insertion, one change, never a reset.
    model.setModels({summary("c", "2025-01-03T00:00:00Z", 99), summary("a", "2025-01-01T00:00:00Z"),
                     summary("d", "2025-01-04T00:00:00Z")});
    EXPECT_EQ(model.rowCount(), 3);
    EXPECT_EQ(removed.count(), 1);
    EXPECT_EQ(inserted.count(), 2);
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(reset.count(), 0);
    EXPECT_EQ(model.rowOf(QStringLiteral("b")), -1);
    EXPECT_EQ(model.index(model.rowOf(QStringLiteral("c"))).data(SavedModelListModel::SizeRole).toULongLong(), 99u);

    EXPECT_TRUE(model.removeModel(QStringLiteral("a")));
    EXPECT_FALSE(model.removeModel(QStringLiteral("a")));
    EXPECT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.rowOf(QStringLiteral("d")), 1);

    model.setModels({});
    EXPECT_EQ(model.rowCount(), 0);
}

TEST(SavedModelListModel, Proxy_SortsNewestFirstAndFilters)
{
    SavedModelListModel model;
    QSortFilterProxyModel proxy;
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
    proxy.setSourceModel(&model);
    proxy.setSortRole(SavedModelListModel::CreatedAtRole);
    proxy.setFilterRole(SavedModelListModel::SearchTextRole);
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy.setDynamicSortFilter(true);
    proxy.sort(0, Qt::DescendingOrder);

    model.setModels({summary("old", "2024-05-01T10:00:00Z"), summary("newest", "2025-06-01T10:00:00Z"),
                     summary("middle", "2025-01-01T10:00:00Z")});
    EXPECT_EQ(names(proxy), (QStringList{"newest", "middle", "old"}));

    proxy.setFilterFixedString(QStringLiteral("MIDDLE_trained"));
    EXPECT_EQ(names(proxy), (QStringList{"middle"}));
    proxy.setFilterFixedString(QString());
    model.setModels({summary("old", "2024-05-01T10:00:00Z"), summary("later", "2026-01-01T00:00:00Z")});
    EXPECT_EQ(names(proxy), (QStringList{"later", "old"}));
}

TEST(SavedModelListModel, Format_SizeAndUnknowns)
{
    EXPECT_EQ(SavedModelListModel::formatSize(std::nullopt), QStringLiteral("—"));
    EXPECT_FALSE(SavedModelListModel::formatSize(1500000000ULL).isEmpty());
    EXPECT_EQ(SavedModelListModel::formatCreated(QStringLiteral("not a date")), QStringLiteral("not a date"));
}
