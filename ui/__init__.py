"""The Qt user interface of 年报助手 (thin: every rule lives in app/)."""
