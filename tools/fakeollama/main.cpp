// deepext-fake-ollama: the stand-in Ollama server as a small executable, for people, benches and subprocess tests.
// Prints "listening on http(s)://127.0.0.1:PORT" once it accepts connections and serves until killed.
#include "fakeollama/FakeOllamaServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTemporaryDir>

#include <cstdio>
#include <memory>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("deepext-fake-ollama"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A stand-in Ollama server for tests and benches."));
    parser.addHelpOption();
    const QCommandLineOption portOption(QStringLiteral("port"), QStringLiteral("Port on 127.0.0.1 (0: any)."),
                                        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption stateOption(QStringLiteral("state"),
                                         QStringLiteral("State directory (blobs, manifests); default: a temp dir."),
                                         QStringLiteral("DIR"));
    const QCommandLineOption versionOption(QStringLiteral("version"), QStringLiteral("Version to report."),
                                           QStringLiteral("X.Y.Z"), QStringLiteral("0.33.0-rc2"));
    const QCommandLineOption holdOption(QStringLiteral("hold-create"),
                                        QStringLiteral("Hold creates after their first line (never released)."));
    const QCommandLineOption errorOption(QStringLiteral("create-error-after"),
                                         QStringLiteral("End creates with an error after N lines."),
                                         QStringLiteral("N:MESSAGE"));
    const QCommandLineOption truncateOption(QStringLiteral("truncate-create-after"),
                                            QStringLiteral("Drop create streams after N lines."), QStringLiteral("N"));
    const QCommandLineOption dropOption(QStringLiteral("drop-upload-after"),
                                        QStringLiteral("Reset blob uploads after BYTES."), QStringLiteral("BYTES"));
    const QCommandLineOption htmlOption(QStringLiteral("html"), QStringLiteral("Answer everything with an HTML page."));
    const QCommandLineOption delayOption(QStringLiteral("line-delay-ms"),
                                         QStringLiteral("Pause between create progress lines."), QStringLiteral("MS"));
    const QCommandLineOption certOption(QStringLiteral("tls-cert"),
                                        QStringLiteral("Serve https with this PEM certificate (chain)."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption keyOption(QStringLiteral("tls-key"), QStringLiteral("The PEM private key of --tls-cert."),
                                       QStringLiteral("FILE"));
    parser.addOptions({portOption, stateOption, versionOption, holdOption, errorOption, truncateOption, dropOption,
                       htmlOption, delayOption, certOption, keyOption});
    parser.process(app);

    std::unique_ptr<QTemporaryDir> tempDir;
    QString stateDir = parser.value(stateOption);
    if (stateDir.isEmpty()) {
        tempDir = std::make_unique<QTemporaryDir>();
        stateDir = tempDir->path();
    }
    deepext::fake::FakeOllamaServer server(stateDir);
    server.setVersion(parser.value(versionOption));
    if (parser.isSet(certOption) || parser.isSet(keyOption)) {
        QString error;
        if (!server.setTls(parser.value(certOption), parser.value(keyOption), &error)) {
            std::fprintf(stderr, "deepext-fake-ollama: %s\n", qPrintable(error));
            return 2;
        }
    }
    if (parser.isSet(holdOption)) {
        server.setHoldCreate(true);
    }
    if (parser.isSet(errorOption)) {
        const QString value = parser.value(errorOption);
        server.setCreateErrorAfterLines(value.section(u':', 0, 0).toInt(), value.section(u':', 1));
    }
    if (parser.isSet(truncateOption)) {
        server.setTruncateCreateAfterLines(parser.value(truncateOption).toInt());
    }
    if (parser.isSet(dropOption)) {
        server.setDropUploadAfter(parser.value(dropOption).toLongLong());
    }
    if (parser.isSet(htmlOption)) {
        server.setHtmlResponses(true);
    }
    if (parser.isSet(delayOption)) {
        server.setLineDelay(std::chrono::milliseconds(parser.value(delayOption).toInt()));
    }
    bool portOk = false;
    const uint port = parser.value(portOption).toUInt(&portOk);
    if (!portOk || port > 65535 || !server.listen(static_cast<quint16>(port))) {
        std::fprintf(stderr, "deepext-fake-ollama: cannot listen on 127.0.0.1:%s\n",
                     qPrintable(parser.value(portOption)));
        return 1;
    }
    std::printf("listening on %s\n", qPrintable(server.url()));
    std::fflush(stdout);
    return app.exec();
}
