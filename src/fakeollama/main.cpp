// deepext-fake-ollama: the stand-in Ollama server as a small executable (filled in by the deploy work).
#include <QCoreApplication>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    return 0;
}
