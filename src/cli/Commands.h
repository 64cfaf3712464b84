#pragma once

#include "Command.h"

#include <memory>
#include <vector>

namespace deepext::cli {

// Every top-level command deepext-cli offers, in the order `--help` lists them. A new capability adds its
// command classes and one line in Commands.cpp.
std::vector<std::unique_ptr<Command>> allCommands();

} // namespace deepext::cli
