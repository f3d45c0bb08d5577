"""The protocol side shared by the Python clients (zeep, suds), which run as scripts: the config
file, the title decoding every client does, and one JSON line per step (../README.md)."""
from __future__ import annotations

import datetime
import json

NS = "http://www.pragmaticsw.com/"
# .NET's defaults for value-type members, which zeep and suds treat as required (minOccurs=1).
UNSET = {"int": 0, "decimal": 0, "dateTime": datetime.datetime(1, 1, 1)}


def read_config(path):
    with open(path, encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)


def decode_title(text):
    return text.replace("&#60;", "<").replace("&#62;", ">").replace("&amp;", "&")


def report(step, action):
    try:
        print(json.dumps({"step": step, "ok": True, "data": action()}, ensure_ascii=False), flush=True)
    except Exception as error:          # reported, then the scenario goes on
        print(json.dumps({"step": step, "ok": False, "error": f"{type(error).__name__}: {error}"},
                         ensure_ascii=False), flush=True)
