#!/usr/bin/python3
"""What an assistive technology gets from the running Warmline app over AT-SPI.

Run by tests/e2e/tests/screen_reader.rs with Debian's python3-pyatspi (the
system Python, /usr/bin/python3). Prints JSON lines on stdout:

- {"kind": "node", "depth", "role", "name", "text"} for every object of the
  app's tree, walked once the app is on the accessibility bus;
- {"kind": "ready"} after the walk;
- {"kind": "event", "type", "role", "name", "child", "text"} for each event
  of the app afterwards: "child" is the role of the added or removed child
  (children-changed), "text" the text of the added child, the inserted text
  (text-changed) or the source's text.

The walk matters: WebKitGTK only sends events for objects a client has
already asked about, so without it a new reply in the log raises nothing.
It runs until it is terminated.
"""

import json
import sys
import time

import pyatspi
from gi.repository import GLib

APP = "warmline"


def emit(record):
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def role(obj):
    try:
        return obj.getRoleName()
    except Exception:  # a defunct object
        return "?"


def name(obj):
    try:
        return obj.name or ""
    except Exception:
        return ""


def own_text(obj):
    try:
        text = obj.queryText()
        return text.getText(0, text.characterCount)
    except Exception:
        return ""


def subtree_text(obj, depth=0):
    """The text of obj and everything in it, as a screen reader could read it."""
    if obj is None or depth > 12:
        return ""
    parts = [own_text(obj)]
    try:
        count = obj.childCount
    except Exception:
        count = 0
    for index in range(count):
        try:
            parts.append(subtree_text(obj.getChildAtIndex(index), depth + 1))
        except Exception:
            pass
    # WebKit puts U+FFFC where a child object sits in its parent's text.
    return " ".join(p.replace("\ufffc", " ").strip() for p in parts if p.strip())


def find_app(timeout):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        desktop = pyatspi.Registry.getDesktop(0)
        for index in range(desktop.childCount):
            app = desktop.getChildAtIndex(index)
            if app is not None and name(app) == APP and app.childCount > 0:
                return app
        time.sleep(0.2)
    return None


def walk(obj, depth):
    emit({"kind": "node", "depth": depth, "role": role(obj), "name": name(obj),
          "text": own_text(obj)})
    try:
        count = obj.childCount
    except Exception:
        return
    for index in range(count):
        child = obj.getChildAtIndex(index)
        if child is not None:
            walk(child, depth + 1)


def on_event(event):
    try:
        app = event.host_application
        if app is None or name(app) != APP:
            return
    except Exception:
        return
    data = event.any_data
    child = ""
    if event.type.startswith("object:children-changed"):
        is_object = hasattr(data, "getRoleName")
        text = subtree_text(data) if is_object else ""
        child = role(data) if is_object else ""
    elif event.type.startswith("object:text-changed"):
        text = data if isinstance(data, str) else ""
    else:
        text = subtree_text(event.source)
    emit({"kind": "event", "type": event.type, "role": role(event.source),
          "name": name(event.source), "child": child, "text": text})


def main():
    app = find_app(float(sys.argv[1]) if len(sys.argv) > 1 else 30.0)
    if app is None:
        emit({"kind": "error", "text": "the app never appeared on the accessibility bus"})
        return 1
    for kind in ("object:children-changed", "object:text-changed",
                 "object:state-changed:focused", "object:property-change:accessible-name"):
        pyatspi.Registry.registerEventListener(on_event, kind)
    walk(app, 0)
    emit({"kind": "ready"})
    pyatspi.Registry.start()
    return 0


if __name__ == "__main__":
    GLib.set_prgname("warmline-atspi-events")
    sys.exit(main())
