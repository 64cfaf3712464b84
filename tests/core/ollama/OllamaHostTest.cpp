#include "deepext/ollama/OllamaHost.h"

#include <gtest/gtest.h>

using deepext::ollama::OllamaHost;

namespace {

std::string connectable(const char* value)
{
    return OllamaHost::connectable(QString::fromUtf8(value)).toString().toStdString();
}

std::string parsed(const char* value)
{
    return OllamaHost::parse(QString::fromUtf8(value)).toString().toStdString();
}

} // namespace

TEST(OllamaHost, EmptyIsTheDefault)
{
    EXPECT_EQ(connectable(""), "http://127.0.0.1:11434");
    EXPECT_EQ(connectable("   "), "http://127.0.0.1:11434");
    EXPECT_EQ(OllamaHost::defaultUrl().toString().toStdString(), "http://127.0.0.1:11434");
}

TEST(OllamaHost, NoSchemeMeansHttpAndPort11434)
{
    EXPECT_EQ(connectable("myhost"), "http://myhost:11434");
    EXPECT_EQ(connectable("myhost:8080"), "http://myhost:8080");
    EXPECT_EQ(connectable("1.2.3.4"), "http://1.2.3.4:11434");
    EXPECT_EQ(connectable("[::1]:9000"), "http://[::1]:9000");
    EXPECT_EQ(connectable("::1"), "http://[::1]:11434");
}

TEST(OllamaHost, SchemeDefaultsItsOwnPort)
{
    EXPECT_EQ(connectable("http://example.com"), "http://example.com:80");
    EXPECT_EQ(connectable("https://example.com"), "https://example.com:443");
    EXPECT_EQ(connectable("https://example.com:8443"), "https://example.com:8443");
    EXPECT_EQ(connectable("ollama.com"), "https://ollama.com:443");
}

TEST(OllamaHost, QuotesAndSpacesAreStripped)
{
    EXPECT_EQ(connectable("  \"myhost:1234\"  "), "http://myhost:1234");
    EXPECT_EQ(connectable("'http://x.internal:5'"), "http://x.internal:5");
}

TEST(OllamaHost, PathIsKept)
{
    EXPECT_EQ(connectable("https://proxy.example.com/ollama"), "https://proxy.example.com:443/ollama");
    EXPECT_EQ(connectable("example.com:81/a/b"), "http://example.com:81/a/b");
}

TEST(OllamaHost, BadPortFallsBackToTheDefaultWithAWarning)
{
    QString warning;
    EXPECT_EQ(OllamaHost::connectable(QStringLiteral("myhost:99999"), &warning).toString().toStdString(),
              "http://myhost:11434");
    EXPECT_FALSE(warning.isEmpty());
    EXPECT_EQ(connectable("http://myhost:abc"), "http://myhost:80");
    EXPECT_EQ(connectable("myhost:"), "http://myhost:11434");
}

TEST(OllamaHost, BindAllBecomesLoopback)
{
    EXPECT_EQ(parsed("0.0.0.0"), "http://0.0.0.0:11434");
    EXPECT_EQ(connectable("0.0.0.0"), "http://127.0.0.1:11434");
    EXPECT_EQ(connectable("0.0.0.0:1234"), "http://127.0.0.1:1234");
    EXPECT_EQ(connectable("::"), "http://[::1]:11434");
    EXPECT_EQ(connectable("[::]:1234"), "http://[::1]:1234");
    EXPECT_EQ(connectable("https://0.0.0.0"), "https://127.0.0.1:443");
}

TEST(OllamaHost, EmptyHostWithPortDialsLocal)
{
    EXPECT_EQ(connectable(":8080"), "http://127.0.0.1:8080");
}

TEST(OllamaHost, FromEnvironment)
{
    qputenv("OLLAMA_HOST", "0.0.0.0:7000");
    EXPECT_EQ(OllamaHost::fromEnvironment().toString().toStdString(), "http://127.0.0.1:7000");
    qunsetenv("OLLAMA_HOST");
    EXPECT_EQ(OllamaHost::fromEnvironment().toString().toStdString(), "http://127.0.0.1:11434");
}
