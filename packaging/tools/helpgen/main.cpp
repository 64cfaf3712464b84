// deepext-helpgen: writes a man page or a bash completion script from a program's own --help output, at build
// time, so neither can drift from the commands.
//   deepext-helpgen man PROGRAM --out FILE --date YYYY-MM-DD [--section N] [--manual TEXT] [--include FILE]
//   deepext-helpgen bash-completion PROGRAM --out FILE
#include "BashCompletionWriter.h"
#include "HelpReader.h"
#include "ManPageWriter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>

#include <iostream>
#include <stdexcept>

namespace {

QString readText(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        throw std::runtime_error("cannot read " + path.toStdString() + ": " + file.errorString().toStdString());
    }
    return QString::fromUtf8(file.readAll());
}

// Replaces the file only when the whole text was written.
void writeText(const QString& path, const QString& text)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit()) {
        throw std::runtime_error("cannot write " + path.toStdString() + ": " + file.errorString().toStdString());
    }
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Writes a man page or a bash completion script from a program's own --help output."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("kind"), QStringLiteral("man or bash-completion"));
    parser.addPositionalArgument(QStringLiteral("program"), QStringLiteral("the program to read the help of"));
    const QCommandLineOption outOption(QStringLiteral("out"), QStringLiteral("Output file."), QStringLiteral("FILE"));
    const QCommandLineOption dateOption(QStringLiteral("date"), QStringLiteral("The page's date (YYYY-MM-DD)."),
                                        QStringLiteral("DATE"));
    const QCommandLineOption sectionOption(QStringLiteral("section"), QStringLiteral("Manual section."),
                                           QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption manualOption(QStringLiteral("manual"), QStringLiteral("Manual title."),
                                          QStringLiteral("TEXT"), QStringLiteral("User Commands"));
    const QCommandLineOption includeOption(QStringLiteral("include"),
                                           QStringLiteral("Hand-written sections: [SECTION] lines and roff text."),
                                           QStringLiteral("FILE"));
    parser.addOptions({outOption, dateOption, sectionOption, manualOption, includeOption});
    parser.process(app);

    const QStringList positional = parser.positionalArguments();
    const QString kind = positional.value(0);
    if (positional.size() != 2 || !parser.isSet(outOption) ||
        (kind != QLatin1String("man") && kind != QLatin1String("bash-completion")) ||
        (kind == QLatin1String("man") && !parser.isSet(dateOption))) {
        std::cerr << parser.helpText().toStdString();
        return 2;
    }
    try {
        const deepext::helpgen::HelpReader reader(positional.at(1));
        const deepext::helpgen::CommandHelp root = reader.read();
        const QString program = reader.programName();
        const QString generatedFrom = QStringLiteral("'%1 --help' and every command's --help").arg(program);
        QString text;
        if (kind == QLatin1String("man")) {
            const QString include = parser.isSet(includeOption) ? readText(parser.value(includeOption)) : QString();
            text = deepext::helpgen::ManPageWriter::write(root, {program, parser.value(sectionOption),
                                                                 parser.value(dateOption), reader.version(),
                                                                 parser.value(manualOption), include, generatedFrom});
        } else {
            text = deepext::helpgen::BashCompletionWriter::write(root, program, generatedFrom);
        }
        writeText(parser.value(outOption), text);
    } catch (const std::exception& error) {
        std::cerr << "error: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
