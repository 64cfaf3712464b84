#pragma once

#include <QCommandLineParser>
#include <QStringList>

#include <string>

namespace deepext::cli {

class CommandContext;

// One CLI command (KeePassXC's shape): a name, a one-line description, its options, and execute() returning the
// exit code. Failures throw deepext::Error (exit 1; Kind::Usage exits 2); the dispatcher prints them.
class Command
{
public:
    Command(std::string name, std::string description);
    virtual ~Command();
    Command(const Command&) = delete;
    Command& operator=(const Command&) = delete;

    const std::string& name() const { return m_name; }
    const std::string& description() const { return m_description; }
    // Makes help and usage errors name what a user types, e.g. "env add" for the subcommand "add" of "env".
    void setGroup(const std::string& group) { m_commandLine = group + " " + m_name; }

    // `arguments` starts with the command's own name (argv style).
    virtual int execute(CommandContext& context, const QStringList& arguments) = 0;

protected:
    // Adds --help, parses, prints help and returns false on --help; throws a usage Error on bad arguments or
    // when the number of positional arguments is outside [minPositional, maxPositional].
    bool parse(QCommandLineParser& parser, const QStringList& arguments, int minPositional, int maxPositional,
               const QString& positionalSyntax = {});
    std::string helpText(QCommandLineParser& parser) const;

private:
    std::string m_name;
    std::string m_commandLine;
    std::string m_description;
};

} // namespace deepext::cli
