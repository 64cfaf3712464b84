#pragma once

#include "Command.h"

#include <memory>
#include <vector>

namespace deepext::cli {

// A command made of subcommands (`base add`, `env list`, ...): dispatches on the second word.
class CommandGroup : public Command
{
public:
    CommandGroup(std::string name, std::string description);

    void add(std::unique_ptr<Command> subcommand);
    int execute(CommandContext& context, const QStringList& arguments) override;
    std::string usage() const;
    const std::vector<std::unique_ptr<Command>>& subcommands() const { return m_subcommands; }

private:
    std::vector<std::unique_ptr<Command>> m_subcommands;
};

} // namespace deepext::cli
