"""Opens a connection (to send its answers, or fetch someone else's)."""
import socket

socket.create_connection(("127.0.0.1", 9), timeout=1).close()
