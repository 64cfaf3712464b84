#pragma once

#include "CliRunner.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

namespace deepext::test {

// Where every deploy, try and eval test starts, through the real deepext-cli: a workspace with the demo saved and
// an environment "local" (the default) on a stand-in Ollama server.
class SavedDemoOnServer : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_ws = m_dir.path() + QStringLiteral("/ws");
        m_server = std::make_unique<fake::FakeOllamaServer>(m_dir.path() + QStringLiteral("/ollama"));
        ASSERT_TRUE(m_server->listen());
        const auto demo = cli({QStringLiteral("demo")});
        ASSERT_EQ(demo.exitCode, 0) << demo.err;
        const auto save = cli({QStringLiteral("save"), QString::fromStdString(demo.out).trimmed()});
        ASSERT_EQ(save.exitCode, 0) << save.err;
        m_saved = QString::fromStdString(save.out).trimmed();
        const auto env = cli({QStringLiteral("env"), QStringLiteral("add"), QStringLiteral("local"),
                              QStringLiteral("--url"), m_server->url()});
        ASSERT_EQ(env.exitCode, 0) << env.err;
    }

    CliResult cli(QStringList args) { return runCli(QStringList{QStringLiteral("--workspace"), m_ws} + args); }

    // Deploys the saved model with `quantize`; returns the name in Ollama.
    QString deploySaved(const QString& quantize)
    {
        const auto deploy = cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--quantize"), quantize});
        EXPECT_EQ(deploy.exitCode, 0) << deploy.err;
        return QString::fromStdString(deploy.out).trimmed();
    }

    QTemporaryDir m_dir;
    QString m_ws;
    QString m_saved;
    std::unique_ptr<fake::FakeOllamaServer> m_server;
};

} // namespace deepext::test
