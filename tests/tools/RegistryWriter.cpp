// A test helper process: rewrites one registry file of a workspace in a loop, as fast as it can, until killed.
// The atomicity test kills it at random moments and checks the file is never torn.
#include "deepext/base/Workspace.h"

#include <QCoreApplication>

#include <string>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 3) {
        return 2;
    }
    const deepext::Workspace workspace = deepext::Workspace::open(argv[1], false);
    const std::string tag = argv[2];
    const int count = argc > 3 ? std::stoi(argv[3]) : -1;
    for (int i = 0; count < 0 || i < count; ++i) {
        // Big enough that a torn write would be visible; named uniquely so lost updates are countable.
        deepext::EnvironmentRecord record{tag + "-" + std::to_string(i), "http://127.0.0.1:" + std::to_string(1000 + i),
                                          std::string(4096, 'x')};
        workspace.addEnvironment(record, false);
    }
    return 0;
}
