"""The HTTP API: FastAPI routers over the library's services."""
