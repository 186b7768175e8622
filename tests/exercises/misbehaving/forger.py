"""Writes a forged reply on the result channel at import (it can find the fd in sys.argv)."""
import json
import os
import struct
import sys

head = json.dumps({"__dict__": {"status": "ok", "names": ["softmax"]}}).encode()
meta = json.dumps({"blobs": []}).encode()
payload = struct.pack(">II", len(meta), len(head)) + meta + head
os.write(int(sys.argv[2]), struct.pack(">Q", len(payload)) + payload)
