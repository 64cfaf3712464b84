#include "Commands.h"

#include "BaseAddCommand.h"
#include "BaseListCommand.h"
#include "BaseRemoveCommand.h"
#include "BaseSetTemplateCommand.h"
#include "BaseShowCommand.h"
#include "CommandGroup.h"
#include "DeleteCommand.h"
#include "DemoCommand.h"
#include "DeployCommand.h"
#include "DeployedCommand.h"
#include "EnvAddCommand.h"
#include "EnvDefaultCommand.h"
#include "EnvListCommand.h"
#include "EnvRemoveCommand.h"
#include "EvalCommand.h"
#include "ExportGgufCommand.h"
#include "ListCommand.h"
#include "MergeCommand.h"
#include "SaveCommand.h"
#include "ShowCommand.h"
#include "TrainedAddCommand.h"
#include "TrainedListCommand.h"
#include "TrainedRemoveCommand.h"
#include "TrainedShowCommand.h"
#include "TryCommand.h"
#include "UndeployCommand.h"
#include "VerifyCommand.h"

namespace deepext::cli {

std::vector<std::unique_ptr<Command>> allCommands()
{
    std::vector<std::unique_ptr<Command>> commands;
    commands.push_back(std::make_unique<DemoCommand>());

    auto base = std::make_unique<CommandGroup>("base", "Register and inspect base models.");
    base->add(std::make_unique<BaseAddCommand>());
    base->add(std::make_unique<BaseListCommand>());
    base->add(std::make_unique<BaseShowCommand>());
    base->add(std::make_unique<BaseSetTemplateCommand>());
    base->add(std::make_unique<BaseRemoveCommand>());
    commands.push_back(std::move(base));

    auto trained = std::make_unique<CommandGroup>("trained", "Register and inspect trained models (LoRA adapters).");
    trained->add(std::make_unique<TrainedAddCommand>());
    trained->add(std::make_unique<TrainedListCommand>());
    trained->add(std::make_unique<TrainedShowCommand>());
    trained->add(std::make_unique<TrainedRemoveCommand>());
    commands.push_back(std::move(trained));

    commands.push_back(std::make_unique<SaveCommand>());
    commands.push_back(std::make_unique<MergeCommand>());
    commands.push_back(std::make_unique<ListCommand>());
    commands.push_back(std::make_unique<ShowCommand>());
    commands.push_back(std::make_unique<VerifyCommand>());
    commands.push_back(std::make_unique<DeleteCommand>());
    commands.push_back(std::make_unique<ExportGgufCommand>());

    auto env = std::make_unique<CommandGroup>("env", "Deployment environments (Ollama servers).");
    env->add(std::make_unique<EnvAddCommand>());
    env->add(std::make_unique<EnvListCommand>());
    env->add(std::make_unique<EnvRemoveCommand>());
    env->add(std::make_unique<EnvDefaultCommand>());
    commands.push_back(std::move(env));
    commands.push_back(std::make_unique<DeployCommand>());
    commands.push_back(std::make_unique<DeployedCommand>());
    commands.push_back(std::make_unique<UndeployCommand>());
    commands.push_back(std::make_unique<TryCommand>());
    commands.push_back(std::make_unique<EvalCommand>());
    return commands;
}

} // namespace deepext::cli
