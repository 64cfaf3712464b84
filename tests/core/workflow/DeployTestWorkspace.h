#pragma once

#include "deepext/base/Workspace.h"
#include "deepext/workflow/DemoGenerator.h"
#include "deepext/workflow/SaveOperation.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

namespace deepext::test {

// What deploy tests start from: a workspace in a temp dir with the demo model saved, and a stand-in Ollama server
// listening on loopback.
class DeployTestWorkspace : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_workspace = std::make_unique<Workspace>(Workspace::open(m_dir.path().toStdString() + "/ws"));
        const std::string trained = DemoGenerator::seed(*m_workspace);
        std::atomic_bool cancel{false};
        m_saved = SaveOperation::save(*m_workspace, trained, OutputDtype::Auto, 1, {}, cancel).savedName;
        m_server = std::make_unique<fake::FakeOllamaServer>(m_dir.path() + QStringLiteral("/ollama"));
        ASSERT_TRUE(m_server->listen());
    }

    QTemporaryDir m_dir;
    std::unique_ptr<Workspace> m_workspace;
    std::string m_saved;
    std::unique_ptr<fake::FakeOllamaServer> m_server;
};

} // namespace deepext::test
