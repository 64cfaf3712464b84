#include "DeleteCommand.h"

#include "CommandContext.h"
#include "TextTable.h"
#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/SavedModelOperations.h"

#include <filesystem>
#include <iostream>

namespace deepext::cli {

DeleteCommand::DeleteCommand()
    : Command("delete", "Permanently delete a saved model's folder (deployments are not affected).")
{
}

int DeleteCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption yesOption(QStringLiteral("yes"), QStringLiteral("Do not ask for confirmation."));
    parser.addOption(yesOption);
    if (!parse(parser, arguments, 1, 1, QStringLiteral("SAVED"))) {
        return 0;
    }
    const std::string name = parser.positionalArguments().at(0).toStdString();
    const auto& workspace = context.workspace();
    if (!parser.isSet(yesOption)) {
        if (!context.stdinIsTerminal()) {
            throw Error::usage("'delete' asks for confirmation and there is no terminal to ask on; pass --yes");
        }
        const auto entry = workspace.findSavedModel(name);
        if (!entry) {
            throw Error("no saved model named '" + name + "' (see 'deepext-cli list')");
        }
        std::uint64_t size = 0;
        std::error_code ec;
        for (std::filesystem::recursive_directory_iterator it(entry->path, ec), end; !ec && it != end;
             it.increment(ec)) {
            if (it->is_regular_file(ec) && !it->is_symlink(ec)) {
                size += it->file_size(ec);
            }
        }
        std::cerr << "Delete saved model " << name << " (" << humanBytes(size) << ", " << entry->path
                  << ")?\nIts deployments in Ollama and their records are not affected. [y/N] " << std::flush;
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != "y" && answer != "Y" && answer != "yes") {
            context.info("not deleted");
            return 1;
        }
    }
    SavedModelOperations::remove(workspace, name);
    context.info("deleted " + name);
    return 0;
}

} // namespace deepext::cli
