// A test helper process: holds one lock file (a workspace's .locks/registry.lock) the way another DeepExtension
// process holds it during a registry write, for as long as the test wants. Prints "held" once it holds the lock,
// then waits for a line (or the end) of its standard input, releases the lock and exits. Exit 1: the lock could not
// be taken within 10 s.
#include "deepext/base/OperationLock.h"

#include <QCoreApplication>

#include <iostream>
#include <string>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        std::cerr << "usage: deepext_test_lock_holder LOCK_FILE\n";
        return 2;
    }
    deepext::OperationLock lock(argv[1]);
    if (!lock.tryLock(10000)) {
        std::cerr << "cannot take " << argv[1] << "\n";
        return 1;
    }
    std::cout << "held" << std::endl;
    std::string line;
    std::getline(std::cin, line);
    lock.unlock();
    std::cout << "released" << std::endl;
    return 0;
}
