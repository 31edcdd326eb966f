"""`python -m ui --screenshots DIR [FILE]`: one PNG of the start screen and of every wizard page."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from app.drafts import report_from_dict, save_draft
from app.report import Report
from ui.dialogs import ScriptedDialogs
from ui.recent_files import RecentFiles
from ui.user_dirs import DATA_ENV, DOCUMENTS_ENV

WINDOW_SIZE = (1280, 800)  # NIANBAO_SCREENSHOT_SIZE=1093x614 shows a 1366×768 screen at 125 %

# A realistic township report in the draft format, with one deliberate error (表三 does not add up)
# and one warning (the text quotes 6 requests, the table has 5) so the pictures show both states.
EXAMPLE_DRAFT: dict[str, Any] = {
    "schema_version": 1,
    "template": "2021",
    "meta": {
        "organ": "哈图布呼镇人民政府", "year": 2024, "publish_date": "2025-01-20",
        "contact_dept": "党政综合办公室", "contact_phone": "0992-6612345",
        "address": "新疆维吾尔自治区乌苏市哈图布呼镇人民路 8 号", "postcode": "833300",
        "website": "https://www.wusu.gov.cn/", "info_fee": "0",
    },
    "texts": {
        "overview": (
            "2024年，我镇深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
            "全面推进决策、执行、管理、服务、结果公开。\n"
            "（一）主动公开。全年通过政府网站和政务公开栏主动公开政府信息126条，其中行政规范性文件3件。\n"
            "（二）依申请公开。全年共收到政府信息公开申请6件，均在法定期限内答复。\n"
            "（三）政府信息管理。严格执行公开前保密审查制度，及时清理过期信息。\n"
            "（四）政府信息公开平台建设。进一步规范政府网站信息公开专栏，更新村务公开栏14处。\n"
            "（五）监督保障。将政务公开纳入年度考核，全年未发生因政府信息公开被追责的情况。"),
        "problems": (
            "一是公开内容的解读不够通俗；二是部分村务公开栏更新不及时。\n"
            "下一步，我镇将加强政策解读，建立公开栏定期检查制度。"),
        "other": "本年度未收取信息处理费。无其他需要报告的事项。",
    },
    "values": {
        "t2": {"normative": {"made": 3, "repealed": 1, "in_force": 12},
               "licensing": {"decisions": 15}, "penalty": {"decisions": 8}},
        "t3": {"new": {"natural": 4, "business": 1}, "carried": {"natural": 1},
               "disclosed": {"natural": 3}, "partly": {"natural": 1},
               "unable_not_held": {"business": 1}, "carry_next": {"natural": 2}},
    },
}


def example_report() -> Report:
    return report_from_dict(EXAMPLE_DRAFT, "示例")


def _grab(widget: QWidget, path: Path) -> Path:
    for _ in range(3):  # layouts settle over a few event-loop turns (word-wrapped labels)
        QCoreApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise OSError(f"无法写入截图“{path}”")
    return path


def take_screenshots(out_dir: Path, draft: Path | None = None) -> list[Path]:
    """Write the pictures and return their paths; user data is never touched (temporary folders)."""
    from ui.main_window import MainWindow
    from ui.new_report_dialog import NewReportDialog, NewReportRequest

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="nianbao-shots-") as tmp:
        docs = Path(tmp) / "年报助手"
        docs.mkdir()
        saved = {k: os.environ.get(k) for k in (DATA_ENV, DOCUMENTS_ENV)}
        os.environ[DATA_ENV] = str(Path(tmp) / "data")
        os.environ[DOCUMENTS_ENV] = str(docs)
        try:
            if draft is None:
                draft = docs / "哈图布呼镇人民政府2024年政府信息公开工作年度报告.nianbao"
                save_draft(example_report(), draft)
            recent = RecentFiles(Path(tmp) / "settings.json")
            recent.add(docs / "哈图布呼镇人民政府2022年政府信息公开工作年度报告.nianbao")  # missing
            recent.add(draft)
            dialogs = ScriptedDialogs(strict=False)  # nobody is at the screen
            window = MainWindow(dialogs, recent, autosave_delay_ms=3_600_000)
            size = os.environ.get("NIANBAO_SCREENSHOT_SIZE", "")
            width, _, height = size.partition("x")
            window.resize(*((int(width), int(height)) if width.isdigit() and height.isdigit()
                            else WINDOW_SIZE))
            window.show()
            written.append(_grab(window, out_dir / "00-start.png"))
            dialog = NewReportDialog(NewReportRequest(organ="哈图布呼镇人民政府", year=2024,
                                                      folder=docs), dialogs, window)
            dialog.show()
            written.append(_grab(dialog, out_dir / "00-new-report.png"))
            dialog.close()
            if not window.open_path(draft) or window.wizard is None:
                raise OSError(f"无法打开草稿“{draft}”")
            for index, page in enumerate(window.wizard.pages):
                window.wizard.go_to(index)
                written.append(_grab(window, out_dir / f"{index + 1:02d}-{page.page_id}.png"))
            window.close()
            window.deleteLater()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return written
