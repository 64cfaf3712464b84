#include "CommandGroup.h"

#include "deepext/base/Error.h"

#include <iostream>

namespace deepext::cli {

CommandGroup::CommandGroup(std::string name, std::string description)
    : Command(std::move(name), std::move(description))
{
}

void CommandGroup::add(std::unique_ptr<Command> subcommand)
{
    subcommand->setGroup(name());
    m_subcommands.push_back(std::move(subcommand));
}

std::string CommandGroup::usage() const
{
    std::string text = "Usage: deepext-cli " + name() + " SUBCOMMAND ...\n" + description() + "\n\nSubcommands:\n";
    for (const auto& sub : m_subcommands) {
        std::string padded = sub->name();
        padded.resize(std::max<std::size_t>(padded.size() + 2, 14), ' ');
        text += "  " + padded + sub->description() + "\n";
    }
    return text;
}

int CommandGroup::execute(CommandContext& context, const QStringList& arguments)
{
    if (arguments.size() < 2) {
        throw Error::usage("'" + name() + "' needs a subcommand: " + usage());
    }
    const std::string word = arguments.at(1).toStdString();
    if (word == "--help" || word == "-h" || word == "help") {
        std::cout << usage();
        return 0;
    }
    for (const auto& sub : m_subcommands) {
        if (sub->name() == word) {
            QStringList rest = arguments.mid(1);
            rest[0] = QString::fromStdString(name() + " " + word);
            return sub->execute(context, rest);
        }
    }
    throw Error::usage("unknown subcommand '" + name() + " " + word + "' (see 'deepext-cli " + name() + " --help')");
}

} // namespace deepext::cli
