// deepext-render-icon SVG OUTDIR NAME SIZE...: renders the application icon into the hicolor layout
// OUTDIR/<size>x<size>/apps/NAME.png at build time. The icon theme specification only requires PNG and XPM support
// of an implementation (SVG is optional), so the scalable SVG is installed beside these.
#include <QCoreApplication>
#include <QDir>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <iostream>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() < 5) {
        std::cerr << "usage: deepext-render-icon SVG OUTDIR NAME SIZE...\n";
        return 2;
    }
    QSvgRenderer renderer(arguments.at(1));
    if (!renderer.isValid()) {
        std::cerr << "error: " << arguments.at(1).toStdString() << " is not a valid SVG image\n";
        return 1;
    }
    const QDir out(arguments.at(2));
    for (const QString& sizeText : arguments.mid(4)) {
        bool ok = false;
        const int size = sizeText.toInt(&ok);
        if (!ok || size < 1 || size > 4096) {
            std::cerr << "error: '" << sizeText.toStdString() << "' is not an icon size\n";
            return 2;
        }
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::SmoothPixmapTransform);
        renderer.render(&painter);
        painter.end();
        const QString directory = QStringLiteral("%1x%1/apps").arg(size);
        const QString path = out.filePath(directory + QLatin1Char('/') + arguments.at(3) + QStringLiteral(".png"));
        if (!out.mkpath(directory) || !image.save(path, "PNG")) {
            std::cerr << "error: cannot write " << path.toStdString() << '\n';
            return 1;
        }
    }
    return 0;
}
