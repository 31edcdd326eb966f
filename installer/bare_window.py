"""A bare PySide6 window, packaged like the program to measure the start-up cost Qt alone adds."""

import sys

from PySide6.QtWidgets import QApplication, QLabel


def main() -> int:
    app = QApplication(sys.argv)
    label = QLabel("年报助手 bench: bare PySide6 window")
    label.setWindowTitle("bare-window")
    label.resize(400, 200)
    label.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
