"""`python -m ui [FILE.nianbao]` starts 年报助手."""

from ui.main import main

raise SystemExit(main())
